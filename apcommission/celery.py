"""The Celery app. Every task of the project is a `ReliableTask` (the app's default task class).

Tasks are idempotent and state-based (README, "Periodic jobs"), so the one way to make background
work that cannot be lost is the same for all of them: acknowledge a message only once the task has
finished (`acks_late`; a worker killed half-way gets it delivered again), and retry on the errors
that pass — the database or the broker briefly unreachable — with exponential backoff and full
jitter, up to `max_retries` times. Other errors are bugs or bad input: they fail at once, loudly.
A task may name extra errors with `autoretry_for=RETRY_ON + (...)` (slas.tasks does).
"""

from __future__ import annotations

import os

import kombu.exceptions
import redis.exceptions
from celery import Celery, Task
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apcommission.settings.base")

# Errors that say "not now" rather than "never": retried with backoff.
RETRY_ON: tuple[type[BaseException], ...] = (
    OperationalError,  # django.db: database unreachable, "database is locked", connection lost
    InterfaceError,  # django.db: connection already closed
    kombu.exceptions.OperationalError,  # kombu: broker unreachable while sending a message
    redis.exceptions.ConnectionError,  # Redis (broker, results, cache) unreachable
    redis.exceptions.TimeoutError,
    ConnectionError,  # the builtin: refused, reset or aborted sockets (SMTP, HTTP)
    TimeoutError,
)


class ReliableTask(Task):
    """Default for every task (`Celery(task_cls=...)`): acks late, retries passing errors."""

    acks_late = True
    reject_on_worker_lost = True  # a worker process that dies mid-task: the message goes back
    autoretry_for = RETRY_ON
    max_retries = 8
    retry_backoff = 2  # seconds: 2, 4, 8 … (full jitter: a random wait up to that)
    retry_backoff_max = 10 * 60
    retry_jitter = True


app = Celery("apcommission", task_cls=ReliableTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def check_broker(timeout: float = 3.0) -> None:
    """Connect to the broker once (for /healthz); raise if it does not answer within `timeout` s."""
    transport_options = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    with app.connection_for_write(transport_options=transport_options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
