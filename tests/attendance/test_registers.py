"""Taking a register (issue 11 item 3): submission in one transaction, idempotent by the client's
key (also with two identical posts at once on PostgreSQL), every pupil marked or nothing written, a
late register accepted and shown late, corrections kept as history, known absences pre-filling the
register, and the reads in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from apcommission import clock
from apcommission.errors import Refusal
from attendance import alerts, selectors, services
from attendance.factories import register_with_sessions
from attendance.ladders import MISSING_REGISTER
from attendance.models import (
    AbsenceReason,
    ExpectedSession,
    KnownAbsence,
    Mark,
    MarkChange,
    RegisterSubmission,
)
from attendance.services import MarkInput
from escalation.models import Escalation
from placements.factories import PupilFactory, placement_in_state
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled
from tests.conftest import WORLD_NOW

STARTS = clock.london(dt.date(2026, 11, 26), dt.time(9, 0))  # Thursday, GMT
DUE = STARTS + dt.timedelta(minutes=30)
BACKSTOP = 60  # seconds; reached only if the code under test is broken


@pytest.fixture
def calls(monkeypatch):
    """Which marks the register services told attendance.alerts about (helper C's module)."""
    seen = {"marks": []}
    monkeypatch.setattr("attendance.alerts.marks_recorded",
                        lambda sessions, *, by, now: seen["marks"].append(sorted(s.pk for s in sessions)))
    return seen


def ladder(register):
    """When and by whom the register's missing-register ladder was stopped ((None, None): running)."""
    with scopes_disabled():
        return Escalation.objects.filter(ladder=MISSING_REGISTER, target_id=register.pk).values_list(
            "resolved_at", "resolved_by").get()


def _two_pupil_register(world):
    """Provider a's 9am register: school a's pupil and school c's pupil (world.placements['c'])."""
    placement_a = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active",
                                     now=WORLD_NOW)
    register = register_with_sessions(placements=[placement_a, world.placements["c"]], starts_at=STARTS)
    alerts.registers_created([register], now=WORLD_NOW)  # on its missing-register ladder
    with scopes_disabled():
        sessions = list(ExpectedSession.objects.filter(register=register).order_by("pk"))
    return register, sessions


@pytest.fixture
def taken(shared_provider_world):
    world = shared_provider_world
    register, sessions = _two_pupil_register(world)
    staff = world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    with scope(organisation=staff.organisation):
        yield world, register, sessions, staff


def submit(register, marks, *, staff, key=None, now=DUE - dt.timedelta(minutes=1)):
    return services.register_submit(register=register, marks=marks, key=key or uuid.uuid4(), by=staff.user,
                                    organisation=staff.organisation, now=now)


def absent_and_present(sessions):
    return [MarkInput(sessions[0].pk, Mark.ABSENT, absence_reason=AbsenceReason.ILL),
            MarkInput(sessions[1].pk, Mark.PRESENT)]


def reload(obj):
    obj.refresh_from_db()
    return obj


def test_submitting_writes_every_mark_and_who_submitted_it(taken, calls):
    world, register, sessions, staff = taken
    result = submit(register, [MarkInput(sessions[0].pk, Mark.LATE, minutes_late=12),
                               MarkInput(sessions[1].pk, Mark.PRESENT, note="Arrived by taxi")], staff=staff)
    assert (result.marks_written, result.repeated) == (2, False)
    first, second = reload(sessions[0]), reload(sessions[1])
    assert (first.mark, first.minutes_late, first.marked_by) == (Mark.LATE, 12, staff.user)
    assert (second.mark, second.minutes_late, second.note) == (Mark.PRESENT, None, "Arrived by taxi")
    register = reload(register)
    assert register.submitted_by == staff.user and register.submitted_at == DUE - dt.timedelta(minutes=1)
    assert calls == {"marks": [[s.pk for s in sessions]]}
    assert ladder(register) == (DUE - dt.timedelta(minutes=1), staff.user.pk)
    status = selectors.register_status(register, now=DUE + dt.timedelta(hours=1))
    assert status.label == f"Submitted at 9:29am by {staff.user.full_name}" and not status.late


def test_the_same_key_again_writes_nothing_and_says_it_was_repeated(taken, calls):
    world, register, sessions, staff = taken
    key = uuid.uuid4()
    submit(register, absent_and_present(sessions), staff=staff, key=key)
    again = submit(register, [MarkInput(s.pk, Mark.NOT_REQUIRED) for s in sessions], staff=staff, key=key,
                   now=DUE + dt.timedelta(minutes=5))
    assert (again.repeated, again.marks_written) == (True, 0)
    assert [reload(s).mark for s in sessions] == [Mark.ABSENT, Mark.PRESENT]
    assert reload(register).submitted_at == DUE - dt.timedelta(minutes=1)
    assert RegisterSubmission.objects.count() == 1
    assert ladder(register) == (DUE - dt.timedelta(minutes=1), staff.user.pk)  # stopped by the first only


def test_a_pupil_left_unmarked_refuses_the_register_and_writes_nothing(taken, calls):
    world, register, sessions, staff = taken
    with pytest.raises(ValidationError) as refused:
        submit(register, [MarkInput(sessions[0].pk, Mark.PRESENT)], staff=staff)
    assert refused.value.message_dict == {f"mark_{sessions[1].pk}": ["Choose Present, Late, Absent or Not required"]}
    assert reload(sessions[0]).mark == "" and reload(register).submitted_at is None
    assert not RegisterSubmission.objects.exists() and calls == {"marks": []}
    assert ladder(register) == (None, None)


@pytest.mark.parametrize(("mark", "field"), [
    (MarkInput(0, Mark.LATE), "minutes"), (MarkInput(0, Mark.LATE, minutes_late=500), "minutes"),
    (MarkInput(0, Mark.ABSENT), "reason"), (MarkInput(0, "here"), "mark"),
])
def test_a_late_mark_needs_minutes_and_an_absence_a_reason(taken, mark, field):
    world, register, sessions, staff = taken
    marks = [MarkInput(sessions[0].pk, mark.mark, mark.minutes_late, mark.absence_reason),
             MarkInput(sessions[1].pk, Mark.PRESENT)]
    with pytest.raises(ValidationError) as refused:
        submit(register, marks, staff=staff)
    assert list(refused.value.message_dict) == [f"{field}_{sessions[0].pk}"]
    assert reload(register).submitted_at is None


def test_a_register_sent_after_its_due_time_is_accepted_and_shown_late(taken):
    world, register, sessions, staff = taken
    submit(register, absent_and_present(sessions), staff=staff, now=DUE + dt.timedelta(minutes=25))
    status = selectors.register_status(reload(register), now=DUE + dt.timedelta(hours=1))
    assert status.late and status.label.endswith("(late)") and "9:55am" in status.label


def test_a_second_submission_with_another_key_is_refused(taken, calls):
    world, register, sessions, staff = taken
    submit(register, absent_and_present(sessions), staff=staff)
    with pytest.raises(Refusal, match="already been submitted"):
        submit(register, [MarkInput(s.pk, Mark.PRESENT) for s in sessions], staff=staff)
    assert reload(sessions[0]).mark == Mark.ABSENT


def test_the_status_before_the_start_until_due_and_after(taken):
    world, register, sessions, staff = taken
    assert selectors.register_status(register, now=STARTS - dt.timedelta(minutes=1)).label == "Not taken"
    assert selectors.register_status(register, now=STARTS).label == "Due by 9:30am"
    assert selectors.register_status(register, now=DUE).label == "Overdue"


# --- Two identical posts at once (PostgreSQL) ---------------------------------------------------

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")


def _in_threads(*targets):
    barrier, errors = threading.Barrier(len(targets), timeout=BACKSTOP), []

    def body(target):
        try:
            barrier.wait()
            target()
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BACKSTOP)
    return errors


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_once_write_the_register_once(calls):
    from tests.conftest import build_world

    world = build_world(second_school=True)
    register, sessions = _two_pupil_register(world)
    staff = world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    key, results = uuid.uuid4(), []

    def post():
        with scope(organisation=staff.organisation):
            results.append(submit(register, absent_and_present(sessions), staff=staff, key=key))

    assert _in_threads(post, post) == []
    assert sorted(r.repeated for r in results) == [False, True]
    with scopes_disabled():
        assert RegisterSubmission.objects.filter(key=key).count() == 1
        assert [s.mark for s in ExpectedSession.objects.filter(register=register).order_by("pk")] == \
            [Mark.ABSENT, Mark.PRESENT]
    assert ladder(register) == (DUE - dt.timedelta(minutes=1), staff.user.pk)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_key_posted_to_two_registers_at_once_writes_only_one(calls):
    """The registers' row locks do not order these: the key's unique index does (IntegrityError)."""
    from tests.conftest import build_world

    world = build_world(second_school=True)
    first, first_sessions = _two_pupil_register(world)
    second = register_with_sessions(placements=[world.placements["c"]], starts_at=STARTS + dt.timedelta(hours=4),
                                    part="pm")
    with scopes_disabled():
        second_sessions = list(ExpectedSession.objects.filter(register=second))
    staff = world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    key, outcomes = uuid.uuid4(), []

    def post(register, sessions):
        def run():
            with scope(organisation=staff.organisation):
                try:
                    outcomes.append(submit(register, [MarkInput(s.pk, Mark.PRESENT) for s in sessions],
                                           staff=staff, key=key))
                except Refusal as refusal:
                    outcomes.append(refusal)
        return run

    assert _in_threads(post(first, first_sessions), post(second, second_sessions)) == []
    assert sum(isinstance(o, Refusal) for o in outcomes) == 1
    with scopes_disabled():
        assert RegisterSubmission.objects.filter(key=key).count() == 1
        submitted = [r.submitted_at is not None for r in (reload(first), reload(second))]
    assert sorted(submitted) == [False, True]


# --- Corrections after submission -------------------------------------------------------------

def test_a_change_keeps_the_old_mark_the_new_who_when_and_why(taken, calls):
    world, register, sessions, staff = taken
    submit(register, absent_and_present(sessions), staff=staff)
    manager = world.member(K.PROVIDER, Role.PROVIDER_MANAGER)
    later = DUE + dt.timedelta(minutes=40)
    services.mark_change(session=sessions[0], mark=MarkInput(sessions[0].pk, Mark.LATE, minutes_late=45),
                         reason="Arrived at 9:45 with a parent", by=manager.user, organisation=manager.organisation,
                         now=later)
    change = MarkChange.objects.get()
    assert (change.old_mark, change.old_absence_reason, change.new_mark, change.new_minutes_late) == \
        (Mark.ABSENT, AbsenceReason.ILL, Mark.LATE, 45)
    assert (change.changed_by, change.changed_at, change.reason) == (manager.user, later, "Arrived at 9:45 with a parent")
    session = reload(sessions[0])
    assert (session.mark, session.minutes_late, session.absence_reason) == (Mark.LATE, 45, "")
    assert calls["marks"][-1] == [sessions[0].pk]
    rows = {r.session.pk: r for r in selectors.register_rows(register, staff)}
    history = rows[sessions[0].pk].changes
    assert [(h.old, h.new, h.who) for h in history] == [("Absent: Ill", "Late (45 minutes)", manager.user.full_name)]


def test_a_change_needs_a_reason_a_submitted_register_and_a_different_mark(taken):
    world, register, sessions, staff = taken
    change = dict(session=sessions[1], by=staff.user, organisation=staff.organisation, now=DUE)
    with pytest.raises(Refusal, match="Submit the register first"):
        services.mark_change(mark=MarkInput(sessions[1].pk, Mark.ABSENT, absence_reason=AbsenceReason.ILL),
                             reason="Went home", **change)
    submit(register, absent_and_present(sessions), staff=staff)
    with pytest.raises(ValidationError) as refused:
        services.mark_change(mark=MarkInput(sessions[1].pk, Mark.ABSENT, absence_reason=AbsenceReason.ILL),
                             reason="  ", **change)
    assert refused.value.message_dict == {"reason": ["Enter why the mark changed"]}
    with pytest.raises(ValidationError, match="same as before"):
        services.mark_change(mark=MarkInput(sessions[1].pk, Mark.PRESENT), reason="Checked", **change)
    assert not MarkChange.objects.exists() and reload(sessions[1]).mark == Mark.PRESENT


# --- Known absences -------------------------------------------------------------------------

def test_a_known_absence_pre_fills_the_register_as_absent_with_its_reason(shared_provider_world):
    world = shared_provider_world
    register, sessions = _two_pupil_register(world)
    placement = world.placements["c"]
    officer = world.member(K.SCHOOL, Role.ATTENDANCE_OFFICER, "c")
    with scope(organisation=officer.organisation):
        services.known_absence_record(placement=placement, first_date=dt.date(2026, 11, 26),
                                      last_date=dt.date(2026, 11, 27), reason=AbsenceReason.MEDICAL,
                                      note="Hospital appointment", by=officer.user,
                                      organisation=officer.organisation, now=WORLD_NOW)
    staff = world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    with scope(organisation=staff.organisation):
        rows = {r.session.placement_id: r for r in selectors.register_rows(register, staff)}
    assert (rows[placement.pk].initial_mark, rows[placement.pk].initial_reason) == (Mark.ABSENT, AbsenceReason.MEDICAL)
    other = next(r for pk, r in rows.items() if pk != placement.pk)
    assert (other.initial_mark, other.known_absence) == ("", None)


@pytest.mark.parametrize(("first", "last", "field"), [
    (dt.date(2026, 11, 24), dt.date(2026, 11, 26), "first_date"),  # the day before "now"
    (dt.date(2026, 11, 27), dt.date(2026, 11, 26), "last_date"),
    (dt.date(2026, 11, 27), dt.date(2027, 12, 1), "last_date"),
])
def test_a_known_absence_is_in_advance_with_its_dates_in_order(shared_provider_world, first, last, field):
    world = shared_provider_world
    officer = world.member(K.SCHOOL, Role.ATTENDANCE_OFFICER, "c")
    with scope(organisation=officer.organisation), pytest.raises(ValidationError) as refused:
        services.known_absence_record(placement=world.placements["c"], first_date=first, last_date=last,
                                      reason=AbsenceReason.ILL, by=officer.user, organisation=officer.organisation,
                                      now=WORLD_NOW)
    assert list(refused.value.message_dict) == [field]
    with scopes_disabled():
        assert not KnownAbsence.objects.exists()


def test_only_the_pupils_school_records_a_known_absence(shared_provider_world):
    world = shared_provider_world
    officer = world.member(K.SCHOOL, Role.ATTENDANCE_OFFICER, "a")
    with scope(organisation=officer.organisation), pytest.raises(Refusal):
        services.known_absence_record(placement=world.placements["c"], first_date=dt.date(2026, 11, 27),
                                      last_date=dt.date(2026, 11, 27), reason=AbsenceReason.ILL, by=officer.user,
                                      organisation=officer.organisation, now=WORLD_NOW)


# --- Reads in a constant number of queries --------------------------------------------------

def test_a_register_and_a_days_list_cost_the_same_queries_for_one_pupil_or_many(shared_provider_world,
                                                                                django_assert_num_queries):
    world = shared_provider_world
    provider = world.org(K.PROVIDER)
    small = register_with_sessions(placements=[world.placements["c"]], starts_at=STARTS)
    staff = world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    with scope(organisation=provider):
        counts = {}
        for name, register in (("small", small),):
            with django_assert_num_queries(3):
                selectors.register_rows(register, staff)
            counts[name] = len(selectors.registers_on(STARTS.date(), now=DUE))
    more = [placement_in_state(pupil=PupilFactory(school=world.org(K.SCHOOL)), provider=provider, state="active",
                               now=WORLD_NOW) for _ in range(3)]
    big = register_with_sessions(placements=more, starts_at=STARTS + dt.timedelta(hours=4), part="pm")
    with scope(organisation=provider):
        with django_assert_num_queries(3):
            assert len(selectors.register_rows(big, staff)) == 3
        with django_assert_num_queries(1):
            rows = selectors.registers_on(STARTS.date(), now=DUE)
    assert [r.pupils for r in rows] == [1, 3] and counts["small"] == 1
