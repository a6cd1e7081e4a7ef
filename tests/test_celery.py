"""Celery: a real round trip through Redis, and the heartbeat task on its own.

The round trip starts an in-process worker (a thread, solo pool) against the project's app and
the broker and result backend of the test settings (Redis, database 15). Test runs may happen in
parallel (xdist workers, two checkouts) on the same Redis database, and each has its own test
database: so the round trip uses a default queue of its own, and tests that run a worker share
the "celery" xdist group.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from apcommission import clock
from apcommission.celery import app
from tenancy import tasks
from tenancy.models import Heartbeat

FROZEN_AT = dt.datetime(2026, 11, 25, 9, 20, tzinfo=dt.UTC)

in_celery_group = pytest.mark.xdist_group("celery")  # one xdist worker starts Celery workers
# Waits end on events (a result arrives, the worker thread exits); this only stops a hung test.
# Generous, so that a busy machine does not fail the test.
BACKSTOP_SECONDS = 180


def test_broker_and_result_backend_are_redis():
    assert settings.REDIS_URL.startswith("redis://")
    assert app.conf.broker_url.startswith("redis://")
    assert app.conf.broker_url == settings.REDIS_URL
    assert app.conf.result_backend == settings.REDIS_URL
    assert app.connection().transport_cls == "redis"
    assert type(app.backend).__name__ == "RedisBackend"
    assert not app.conf.task_always_eager


def test_beat_uses_the_database_scheduler_and_every_scheduled_task_exists():
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    app.loader.import_default_modules()  # autodiscovery, as a worker does at start
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["heartbeat"]["task"] == "tenancy.tasks.heartbeat"
    unknown = {entry["task"] for entry in schedule.values()} - set(app.tasks)
    assert not unknown, f"beat would send tasks no worker knows: {sorted(unknown)}"


@pytest.mark.django_db
def test_heartbeat_creates_then_updates_its_row():
    first = FROZEN_AT
    with clock.frozen(first):
        message = tasks.heartbeat()
    assert message == f"heartbeat ok at {first.isoformat()}"
    row = Heartbeat.objects.get(name="heartbeat")
    assert (row.last_seen_at, row.runs) == (first, 1)

    later = first + dt.timedelta(seconds=30)
    with clock.frozen(later):
        tasks.heartbeat.apply().get()
    row.refresh_from_db()
    assert (row.last_seen_at, row.runs) == (later, 2)
    assert Heartbeat.objects.count() == 1


@pytest.fixture
def private_default_queue():
    """Route tasks sent without a queue to one only this test process's worker consumes."""
    name = f"test-{os.getpid()}"
    default = app.conf.task_default_queue
    app.conf.task_default_queue = name
    try:
        yield name
    finally:
        app.conf.task_default_queue = default
        with app.connection_for_write() as conn:  # leave nothing behind in Redis
            queue = app.amqp.queues[name].bind(conn.default_channel)
            queue.declare()
            queue.delete()


@in_celery_group
@pytest.mark.django_db(transaction=True)
def test_heartbeat_round_trip_through_redis_worker(private_default_queue):
    before = clock.now() - dt.timedelta(days=1)
    Heartbeat.objects.create(name="heartbeat", last_seen_at=before, runs=41)

    with start_worker(app, perform_ping_check=False, pool="solo", concurrency=1, shutdown_timeout=BACKSTOP_SECONDS,
                      queues=[private_default_queue]):
        result = tasks.heartbeat.delay()
        message = result.get(timeout=BACKSTOP_SECONDS)

    assert result.successful()
    assert message.startswith("heartbeat ok at ")
    row = Heartbeat.objects.get(name="heartbeat")
    assert row.runs == 42
    assert row.last_seen_at > before
    assert message == f"heartbeat ok at {row.last_seen_at.isoformat()}"
