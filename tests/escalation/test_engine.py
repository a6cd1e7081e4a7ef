"""The escalation engine with a fixed clock (issue 11 item 6 and its acceptance list)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apcommission import clock
from escalation import ladders
from escalation.ladders import Ladder, Message, Step
from escalation.models import Escalation
from escalation.services import due_query, escalation_resolve, escalation_start, escalation_sweep
from notifications.models import Notification
from placements.factories import PupilFactory
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope, scopes_disabled

from .conftest import DUE, LADDER, SESSION_END, anchors


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


MIN = dt.timedelta(minutes=1)
LEVEL_1 = {"attendance_officer.school.a", "provider_staff.provider.a"}
LEVEL_2 = {"dsl.school.a", "ap_lead.school.a"}
LEVEL_3 = {"headteacher.school.a"}


def start(world, pupil=None, **kw):
    pupil = pupil or world.pupils["a"]
    with scope(organisation=world.org(K.SCHOOL)):
        return escalation_start(ladder=LADDER, target=pupil, organisation=world.org(K.SCHOOL),
                                other_organisation=world.org(K.PROVIDER), anchors=kw.pop("anchors", anchors()),
                                now=DUE - dt.timedelta(hours=1), **kw)


def told(since_pk: int = 0) -> set[str]:
    """Who was told something by a ladder (email local parts), after notification `since_pk`."""
    with scopes_disabled():
        emails = Notification.objects.filter(topic="register_missing", pk__gt=since_pk).values_list("user__email",
                                                                                                   flat=True)
        return {e.split("@")[0] for e in emails}


def last_pk() -> int:
    with scopes_disabled():
        return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def sweep(at):
    with clock.frozen(at):
        return escalation_sweep(now=clock.now())


def row(esc) -> Escalation:
    with scopes_disabled():
        return Escalation.objects.get(pk=esc.pk)


def test_each_level_at_its_time_and_only_then(world, test_ladder):
    esc = start(world)
    assert esc.level == 0 and esc.next_step_at == DUE
    assert sweep(DUE - MIN).stepped == 0 and told() == set()
    mark = last_pk()
    assert sweep(DUE).stepped == 1
    assert told(mark) == LEVEL_1
    assert sweep(DUE + 29 * MIN).stepped == 0
    mark = last_pk()
    assert sweep(DUE + 30 * MIN).stepped == 1
    assert told(mark) == LEVEL_2
    assert sweep(SESSION_END - MIN).stepped == 0
    mark = last_pk()
    assert sweep(SESSION_END).stepped == 1
    assert told(mark) == LEVEL_3
    assert sweep(SESSION_END + dt.timedelta(days=2)).stepped == 0
    assert row(esc).level == 3 and row(esc).next_step_at is None
    with scopes_disabled():
        assert Notification.objects.filter(topic="register_missing").count() == 5  # one per person


def test_running_the_sweep_again_tells_nobody_twice(world, test_ladder):
    start(world)
    sweep(DUE)
    first = last_pk()
    assert sweep(DUE).stepped == 0
    assert sweep(DUE + MIN).stepped == 0
    assert last_pk() == first


def test_resolving_before_the_due_time_means_no_alert(world, test_ladder):
    esc = start(world)
    with scope(organisation=world.org(K.PROVIDER)):  # the provider submits the register
        assert escalation_resolve(ladder=LADDER, target=world.pupils["a"], by=None, note="register submitted",
                                  now=DUE - MIN)
    assert sweep(SESSION_END + MIN).stepped == 0
    assert told() == set()
    assert row(esc).resolved_note == "register submitted" and row(esc).next_step_at is None


def test_acknowledging_stops_the_ladder(world, test_ladder):
    esc = start(world)
    sweep(DUE)
    officer = world.user(K.SCHOOL, "attendance_officer")
    with scope(organisation=world.org(K.SCHOOL)):
        assert escalation_resolve(ladder=LADDER, target=world.pupils["a"], by=officer, note="phoned: present",
                                  now=DUE + 5 * MIN)
        assert not escalation_resolve(ladder=LADDER, target=world.pupils["a"], by=officer, note="again",
                                      now=DUE + 6 * MIN)
    mark = last_pk()
    assert sweep(SESSION_END + MIN).stepped == 0
    assert told(mark) == set()
    assert row(esc).level == 1 and row(esc).resolved_by == officer


def test_another_organisation_cannot_resolve_it(world, test_ladder):
    start(world)
    with scope(organisation=world.org(K.SCHOOL, "b")):
        assert not escalation_resolve(ladder=LADDER, target=world.pupils["a"], by=None, note="", now=DUE)
        assert not Escalation.objects.exists()
    assert sweep(DUE).stepped == 1


def test_after_downtime_only_the_current_level_is_sent(world, test_ladder):
    esc = start(world)
    assert sweep(SESSION_END + 10 * MIN).stepped == 1  # the worker was down from before due_at until now
    assert told() == LEVEL_3
    assert row(esc).level == 3 and row(esc).next_step_at is None
    esc2 = start(world, pupil=PupilFactory(school=world.org(K.SCHOOL)))
    mark = last_pk()
    assert sweep(DUE + 45 * MIN).stepped == 1  # down across level 1: level 2 only
    assert told(mark) == LEVEL_2
    assert row(esc2).level == 2 and row(esc2).next_step_at == SESSION_END


@pytest.mark.parametrize(("monday", "due_utc"), [
    (dt.date(2027, 3, 29), dt.datetime(2027, 3, 29, 8, 30, tzinfo=dt.UTC)),  # BST from Sunday 28 March
    (dt.date(2027, 11, 1), dt.datetime(2027, 11, 1, 9, 30, tzinfo=dt.UTC)),  # GMT from Sunday 31 October
])
def test_the_monday_after_each_2027_clock_change(world, test_ladder, monday, due_utc):
    due = clock.london(monday, dt.time(9, 30))
    esc = start(world, anchors=anchors(due=due, end=clock.london(monday, dt.time(12, 0))))
    assert row(esc).next_step_at == due_utc
    assert sweep(due_utc - MIN).stepped == 0
    assert sweep(due_utc).stepped == 1
    assert told() == LEVEL_1
    assert row(esc).next_step_at == due_utc + 30 * MIN


def test_a_failing_target_is_retried_later_and_does_not_stop_the_others(world, test_ladder):
    def exploding(ctx):
        raise RuntimeError("boom")

    broken = Ladder(name="test_broken", steps=(Step(recipients=exploding, topic="register_missing"),),
                    message=lambda ctx: Message("x", "y"), retry_after=dt.timedelta(minutes=5))
    ladders.register(broken)
    try:
        with scope(organisation=world.org(K.SCHOOL)):
            bad = escalation_start(ladder="test_broken", target=world.pupils["a"], organisation=world.org(K.SCHOOL),
                                   anchors={"due": DUE}, now=DUE)
        start(world)
        result = sweep(DUE)
        assert (result.stepped, result.retried) == (1, 1)
        assert told() == LEVEL_1  # the other target on the working ladder
    finally:
        ladders.unregister("test_broken")
    assert row(bad).level == 0 and row(bad).next_step_at == DUE + 5 * MIN


def test_a_tick_costs_the_same_queries_however_many_rows_wait(world, test_ladder):
    school = world.org(K.SCHOOL)

    def tick_queries():
        with CaptureQueriesContext(connection) as ctx:
            sweep(DUE)
        return len(ctx.captured_queries)

    start(world)
    few = tick_queries()
    with scopes_disabled():
        Escalation.objects.filter(level=1).update(level=0, next_step_at=DUE)  # due again
        Notification.objects.all().delete()
    later = anchors(due=DUE + dt.timedelta(days=1), end=SESSION_END + dt.timedelta(days=1))
    for n in range(30):
        start(world, pupil=PupilFactory(school=school, first_name=f"Waiting{n}"), anchors=later)
    assert tick_queries() == few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN check is for PostgreSQL")
def test_the_due_query_uses_its_partial_index(world, test_ladder):
    start(world)
    with scopes_disabled():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = due_query(now=DUE)[:5000].explain()
    assert "escalation_due" in plan, plan


def test_the_beat_task_sweeps_with_the_one_clock(world, test_ladder):
    from escalation.tasks import sweep as sweep_task

    start(world)
    with clock.frozen(DUE - MIN):
        assert sweep_task() == 0
    with clock.frozen(DUE):
        assert sweep_task() == 1
    assert told() == LEVEL_1


def test_targets_are_loaded_once_per_batch_and_a_failed_load_retries(world, test_ladder):
    loads = []

    def load(ids):
        loads.append(sorted(ids))
        if len(loads) == 1:
            raise RuntimeError("database hiccup")
        return {pk: f"target {pk}" for pk in ids}

    seen = []
    loading = Ladder(name="test_loading", load_targets=load, retry_after=dt.timedelta(minutes=2),
                     steps=(Step(recipients=lambda ctx: seen.append(ctx.target) or [], topic="register_missing"),),
                     message=lambda ctx: Message("x", "y"))
    ladders.register(loading)
    try:
        pupils = [world.pupils["a"], PupilFactory(school=world.org(K.SCHOOL))]
        with scope(organisation=world.org(K.SCHOOL)):
            for pupil in pupils:
                escalation_start(ladder="test_loading", target=pupil, organisation=world.org(K.SCHOOL),
                                 anchors={"due": DUE}, now=DUE)
        assert sweep(DUE).retried == 2
        assert sweep(DUE + MIN).stepped == 0  # not before retry_after
        assert sweep(DUE + 2 * MIN).stepped == 2
    finally:
        ladders.unregister("test_loading")
    ids = sorted(p.pk for p in pupils)
    assert loads == [ids, ids]
    assert sorted(seen) == sorted(f"target {pk}" for pk in ids)
