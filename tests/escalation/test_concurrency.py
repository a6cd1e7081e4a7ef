"""Two sweeps at once never tell anyone twice: on PostgreSQL the second skips the rows the first
holds (FOR UPDATE SKIP LOCKED); without row locks (SQLite) a conditional UPDATE decides who won."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from apcommission import clock
from escalation import services
from escalation.services import escalation_sweep
from notifications.models import Notification
from placements.factories import PupilFactory
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scopes_disabled

from .conftest import DUE, SESSION_END
from .test_engine import LEVEL_1, start, told

BACKSTOP = 60  # seconds; only reached if the code under test is broken (events normally fire at once)
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")


def per_person_and_level() -> Counter:
    with scopes_disabled():
        return Counter(Notification.objects.filter(topic="register_missing").values_list("user_id", "dedupe_key"))


def run_in_thread(target, errors):
    def body():
        try:
            target()
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


@pytest.fixture
def no_email_queue(monkeypatch):
    """Committed notifications would enqueue delivery on the broker; the sweep is what is tested."""
    monkeypatch.setattr("notifications.services._enqueue_delivery", lambda: None)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_second_sweep_skips_the_rows_the_first_holds(world, test_ladder, no_email_queue, monkeypatch):
    for n in range(5):
        start(world, pupil=PupilFactory(school=world.org(K.SCHOOL), first_name=f"Held{n}"))
    holding, second_done = threading.Event(), threading.Event()
    who = threading.local()

    original = services._notify

    def notify_slowly(row, *, now):
        if getattr(who, "first", False) and not holding.is_set():
            holding.set()  # the first sweep holds its rows' locks from here until it commits
            assert second_done.wait(BACKSTOP), "the second sweep did not finish while the first held its rows"
        return original(row, now=now)

    monkeypatch.setattr(services, "_notify", notify_slowly)
    results, errors = {}, []

    def first():
        who.first = True
        with clock.frozen(DUE):
            results["first"] = escalation_sweep(now=clock.now())

    def second():
        assert holding.wait(BACKSTOP), "the first sweep never reached its rows"
        with clock.frozen(DUE):
            results["second"] = escalation_sweep(now=clock.now())
        second_done.set()

    threads = [run_in_thread(first, errors), run_in_thread(second, errors)]
    for thread in threads:
        thread.join(BACKSTOP)
    assert not errors, errors
    assert results["first"].stepped == 5
    assert results["second"].stepped == 0
    counts = per_person_and_level()
    assert len(counts) == 5 * len(LEVEL_1) and set(counts.values()) == {1}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_started_together_tell_each_person_once_per_level(world, test_ladder, no_email_queue):
    for n in range(40):
        start(world, pupil=PupilFactory(school=world.org(K.SCHOOL), first_name=f"Pupil{n}"))
    for at in (DUE, SESSION_END):
        barrier, errors, results = threading.Barrier(2, timeout=BACKSTOP), [], []

        def sweep(at=at, barrier=barrier, results=results):
            barrier.wait()
            with clock.frozen(at):
                results.append(escalation_sweep(now=clock.now(), batch_size=7))

        threads = [run_in_thread(sweep, errors) for _ in range(2)]
        for thread in threads:
            thread.join(BACKSTOP)
        assert not errors, errors
        assert sum(r.stepped for r in results) == 40
    counts = per_person_and_level()
    assert set(counts.values()) == {1}
    assert len(counts) == 40 * (len(LEVEL_1) + 1)  # level 1, then (after downtime) level 3's headteacher


def test_without_row_locks_the_conditional_update_decides(world, test_ladder, monkeypatch):
    """The SQLite path: a sweep that read a row another sweep then stepped sends nothing for it."""
    monkeypatch.setattr(type(connection.features), "has_select_for_update_skip_locked", False)
    start(world)
    original = services._decide
    nested = {}

    def decide_then_lose_the_race(rows, *, now):
        decided = original(rows, now=now)
        if not nested:
            nested["result"] = None
            nested["result"] = escalation_sweep(now=now)  # the other sweep, between our read and our write
        return decided

    monkeypatch.setattr(services, "_decide", decide_then_lose_the_race)
    outer = escalation_sweep(now=DUE)
    assert (nested["result"].stepped, outer.stepped) == (1, 0)
    assert told() == LEVEL_1
    assert set(per_person_and_level().values()) == {1}
