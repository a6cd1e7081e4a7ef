"""A register submitted in one statement (attendance.services._submit_at_once, PostgreSQL) does
what the ORM path (_submit_locked) does: the same marks, submission and register rows, the
missing-register ladder stopped, the school's attendance officer told of an absence, and nothing
outside the caller's scope read or written."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apcommission import clock
from apcommission.errors import Refusal
from attendance import services
from attendance.ladders import MISSING_REGISTER
from attendance.models import AbsenceReason, ExpectedSession, Mark, Register, RegisterSubmission
from attendance.services import MarkInput
from escalation.models import Escalation
from escalation.services import escalation_sweep
from notifications.models import Notification
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from . import test_missing_register_ladder as ladder_tests
from .test_missing_register_ladder import DUE, END, START, new_register

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's")

placed = ladder_tests.placed  # provider a's 09:00 register holds pupils of schools a and c
MIN = dt.timedelta(minutes=1)


def _sessions(register):
    with scopes_disabled():
        return list(ExpectedSession.objects.filter(register=register).order_by("pk"))


def _marks(sessions):
    return [MarkInput(sessions[0].pk, Mark.ABSENT, absence_reason=AbsenceReason.ILL, note=" Mum phoned "),
            MarkInput(sessions[1].pk, Mark.LATE, minutes_late=7)]


def _submit(world, register, marks, *, organisation=None, key=None):
    staff = world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    with scope(organisation=organisation or staff.organisation, membership=staff):
        return services.register_submit(register=register.pk, marks=marks, key=key or uuid.uuid4(), by=staff.user,
                                        organisation=staff.organisation, now=DUE - MIN)


def _written(register):
    """Everything a submission writes, without ids that differ between two registers."""
    with scopes_disabled():
        sessions = [(s.mark, s.minutes_late, s.absence_reason, s.note, s.marked_at, s.marked_by_id)
                    for s in ExpectedSession.objects.filter(register=register).order_by("school__slug")]
        reg = Register.objects.values_list("submitted_at", "submitted_by").get(pk=register.pk)
        submission = RegisterSubmission.objects.values_list("submitted_at", "submitted_by", "marks").get(
            register=register)
        ladder = Escalation.objects.values_list("resolved_at", "resolved_by", "resolved_note", "next_step_at").get(
            ladder=MISSING_REGISTER, target_id=register.pk)
    return sessions, reg, submission, ladder


def test_one_statement_writes_what_the_orm_path_writes(placed, monkeypatch, django_assert_max_num_queries):
    at_once = new_register(placed)
    by_orm = new_register(placed, starts_at=START + dt.timedelta(days=1))
    marks = _marks(_sessions(at_once))
    with django_assert_max_num_queries(1):  # the ContentType is cached by new_register's ladder
        result = _submit(placed, at_once, marks)
    assert (result.marks_written, result.repeated) == (2, False)

    monkeypatch.setattr(services, "_submit_at_once", lambda *args, **kwargs: None)
    _submit(placed, by_orm, _marks(_sessions(by_orm)))

    assert _written(at_once) == _written(by_orm)
    sessions, reg, _, ladder = _written(at_once)
    staff = placed.user(K.PROVIDER, "provider_staff")
    assert sessions[0][:4] == (Mark.ABSENT, None, AbsenceReason.ILL, "Mum phoned")
    assert reg == (DUE - MIN, staff.pk) and ladder == (DUE - MIN, staff.pk, "Register submitted.", None)


def test_the_ladder_stops_and_the_attendance_officers_are_told(placed, django_capture_on_commit_callbacks):
    register = new_register(placed)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(placed, register, _marks(_sessions(register)))
    with scopes_disabled():
        told = sorted(e.split("@")[0] for e in Notification.objects.filter(topic="attendance_absence")
                      .values_list("user__email", flat=True))
        subjects = set(Notification.objects.filter(topic="attendance_absence").values_list("subject", flat=True))
    assert told == ["attendance_officer.school.a", "attendance_officer.school.c"]
    assert subjects == {"Absence reported: Provider A, Mon 30 Nov, 09:00 session — 1 pupil absent",
                        "Absence reported: Provider A, Mon 30 Nov, 09:00 session — 1 pupil late"}
    for at in (DUE, DUE + 30 * MIN, END):
        with clock.frozen(at):
            assert escalation_sweep(now=clock.now()).stepped == 0


def test_another_scope_reads_and_writes_nothing(placed):
    """The organisation named is the register's provider, but the scope is provider b's: the
    statement sees no register, so the submission is refused as the ORM path refuses it."""
    register = new_register(placed)
    with pytest.raises(Register.DoesNotExist):
        _submit(placed, register, _marks(_sessions(register)), organisation=placed.org(K.PROVIDER, "b"))
    assert [s.mark for s in _sessions(register)] == ["", ""]
    with scopes_disabled():
        assert not RegisterSubmission.objects.exists()
        assert Escalation.objects.get(ladder=MISSING_REGISTER, target_id=register.pk).resolved_at is None


def test_a_repeated_key_and_a_second_key_write_nothing_more(placed):
    register = new_register(placed)
    sessions, key = _sessions(register), uuid.uuid4()
    _submit(placed, register, _marks(sessions), key=key)
    assert _submit(placed, register, [MarkInput(s.pk, Mark.PRESENT) for s in sessions], key=key).repeated
    with pytest.raises(services.AlreadySubmitted):
        _submit(placed, register, [MarkInput(s.pk, Mark.PRESENT) for s in sessions])
    assert [s.mark for s in _sessions(register)] == [Mark.ABSENT, Mark.LATE]


def test_marks_that_are_not_exactly_the_registers_sessions_write_nothing(placed):
    register, other = new_register(placed), new_register(placed, starts_at=START + dt.timedelta(days=1))
    sessions = _sessions(register)
    with pytest.raises(ValidationError):
        _submit(placed, register, _marks(sessions)[:1])
    with pytest.raises(Refusal):
        _submit(placed, register, [*_marks(sessions)[:1], MarkInput(_sessions(other)[0].pk, Mark.PRESENT)])
    assert [s.mark for s in _sessions(register) + _sessions(other)] == ["", "", "", ""]
    with scopes_disabled():
        assert not RegisterSubmission.objects.exists()



def _rows_read(plan: dict, table: str) -> int:
    """The rows the plan's scans of `table` returned, over all their loops (EXPLAIN ANALYZE)."""
    own = plan["Actual Rows"] * plan["Actual Loops"] if plan.get("Relation Name") == table else 0
    return own + sum(_rows_read(child, table) for child in plan.get("Plans", []))


def test_the_statement_reads_the_registers_sessions_not_all_the_providers(placed):
    """As a prepared statement with its generic plan (how it runs), it finds a register's sessions
    by the register and checks each is in scope by its id: a provider with a year of sessions costs
    it no more than one with a day's. (A scope written as `id IN (…)` was planned as a join over
    every session of the provider.)"""
    register = new_register(placed)
    for day in range(1, 21):  # the provider's other sessions
        new_register(placed, starts_at=START + dt.timedelta(days=day))
    sessions = _sessions(register)
    staff = placed.member(K.PROVIDER, Role.PROVIDER_STAFF)
    with scope(organisation=staff.organisation, membership=staff), transaction.atomic():
        sql, params = services._at_once_statement(register.pk, _marks(sessions), key=uuid.uuid4(), by=staff.user,
                                                  organisation=staff.organisation, now=DUE - MIN)
        with connection.cursor() as cursor:
            cursor.execute(f"PREPARE apc_test_submit AS {sql}")
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE apc_test_submit({', '.join(['%s'] * len(params))})",
                           params)
            plan = cursor.fetchone()[0][0]["Plan"]
            cursor.execute("DEALLOCATE apc_test_submit")
        transaction.set_rollback(True)
    read = _rows_read(plan, ExpectedSession._meta.db_table)
    assert 0 < read <= 4 * len(sessions)  # the check, the scope of each, the update
