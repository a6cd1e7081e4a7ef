"""The missing-register ladder on the escalation engine, with a fixed clock (issue 11 item 5
acceptance): provider a's 09:00 register holds a pupil of school a and one of school c.

Level 1 at due_at: the provider's staff and managers, and each school's attendance officer;
level 2 at due_at + 30 min (the smallest school setting): each school's DSL and AP lead;
level 3 at the session's end: each school's headteacher. Submitting stops it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from apcommission import clock
from attendance import alerts
from attendance.factories import register_with_sessions
from attendance.models import AttendanceSettings, ExpectedSession, Register
from escalation.models import Escalation
from escalation.services import escalation_sweep
from notifications.models import Notification
from notifications.services import notifications_deliver
from placements.factories import placement_in_state
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope, scopes_disabled

MIN = dt.timedelta(minutes=1)
DAY = dt.date(2026, 11, 30)  # a Monday, GMT
START = clock.london(DAY, dt.time(9, 0))
DUE = START + dt.timedelta(minutes=30)
END = clock.london(DAY, dt.time(12, 0))
BEFORE = START - dt.timedelta(days=1)
WORLD_NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)

LEVEL_1 = {"provider_staff.provider.a", "provider_manager.provider.a", "attendance_officer.school.a",
           "attendance_officer.school.c"}
LEVEL_2 = {"dsl.school.a", "ap_lead.school.a", "dsl.school.c", "ap_lead.school.c"}
LEVEL_3 = {"headteacher.school.a", "headteacher.school.c"}


@pytest.fixture
def placed(shared_provider_world):
    world = shared_provider_world
    world.placements["a"] = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER, "a"),
                                               state="active", now=WORLD_NOW)
    return world


def new_register(world, starts_at=START, sides=("a", "c")):
    register = register_with_sessions(placements=[world.placements[s] for s in sides], starts_at=starts_at,
                                      length=END - START)
    alerts.registers_created([register], now=BEFORE)
    return register


def sweep(at):
    with clock.frozen(at):
        return escalation_sweep(now=clock.now())


def told(since: int = 0) -> set[str]:
    with scopes_disabled():
        return {e.split("@")[0] for e in Notification.objects.filter(topic="register_missing", pk__gt=since)
                .values_list("user__email", flat=True)}


def mark() -> int:
    with scopes_disabled():
        return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def count() -> int:
    with scopes_disabled():
        return Notification.objects.filter(topic="register_missing").count()


def test_submitted_a_minute_before_it_is_due_means_no_alert(placed):
    register = new_register(placed)
    provider = placed.org(K.PROVIDER, "a")
    with scope(organisation=provider), clock.frozen(DUE - MIN):
        Register.objects.filter(pk=register.pk).update(submitted_at=clock.now())
        alerts.register_submitted(register, by=placed.user(K.PROVIDER, "provider_staff"), now=clock.now())
    for at in (DUE, DUE + 30 * MIN, END, END + dt.timedelta(hours=3)):
        assert sweep(at).stepped == 0
    assert count() == 0


def test_each_level_at_its_time_to_the_right_people_once(placed):
    new_register(placed)
    assert sweep(DUE - MIN).stepped == 0 and count() == 0
    since = mark()
    assert sweep(DUE).stepped == 1
    assert told(since) == LEVEL_1
    assert count() == len(LEVEL_1)  # exactly one each: a reminder to the provider, an alert to each school
    assert sweep(DUE).stepped == 0 and sweep(DUE + 29 * MIN).stepped == 0  # twice changes nothing
    since = mark()
    assert sweep(DUE + 30 * MIN).stepped == 1
    assert told(since) == LEVEL_2
    assert sweep(END - MIN).stepped == 0
    since = mark()
    assert sweep(END).stepped == 1
    assert told(since) == LEVEL_3
    assert sweep(END + dt.timedelta(days=1)).stepped == 0
    assert count() == len(LEVEL_1 | LEVEL_2 | LEVEL_3)


def test_only_the_headteacher_step_is_urgent_and_each_points_at_the_register(placed):
    register = new_register(placed)
    for at in (DUE, DUE + 30 * MIN, END):
        sweep(at)
    with scopes_disabled():
        rows = Notification.objects.filter(topic="register_missing").values_list("user__email", "urgent", "target_id")
    assert {target for _, _, target in rows} == {register.pk}
    assert {email.split("@")[0] for email, urgent, _ in rows if urgent} == LEVEL_3


def test_the_second_step_follows_the_smallest_school_setting(placed):
    with scopes_disabled():
        AttendanceSettings.objects.create(school=placed.org(K.SCHOOL, "c"), second_step_minutes=20)
    new_register(placed)
    sweep(DUE)
    since = mark()
    assert sweep(DUE + 20 * MIN).stepped == 1
    assert told(since) == LEVEL_2


def test_after_downtime_each_person_gets_only_the_current_level(placed):
    new_register(placed)
    assert sweep(END + 5 * MIN).stepped == 1
    assert told() == LEVEL_3
    assert count() == len(LEVEL_3)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_never_duplicate(placed, monkeypatch):
    monkeypatch.setattr("notifications.services._enqueue_delivery", lambda: None)
    one_day = dt.timedelta(days=1)
    for k in range(8):
        new_register(placed, starts_at=START + k * one_day)
    # First every register steps (the last to level 2, the others after downtime to level 3), then the last one.
    for at, stepping in ((DUE + 7 * one_day + 40 * MIN, 8), (END + 7 * one_day, 1)):
        barrier, errors, results = threading.Barrier(2, timeout=60), [], []

        def run(at=at, barrier=barrier, errors=errors, results=results):
            try:
                barrier.wait()
                results.append(escalation_sweep(now=at, batch_size=3))
            except BaseException as exc:  # reported by the test
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors, errors
        assert sum(r.stepped for r in results) == stepping
    with scopes_disabled():
        keys = list(Notification.objects.filter(topic="register_missing").values_list("user_id", "dedupe_key"))
    assert len(keys) == len(set(keys))


def test_emails_name_the_provider_and_session_and_no_pupil(placed):
    from providers.models import ProviderProfile

    provider = placed.org(K.PROVIDER, "a")
    with scopes_disabled():
        ProviderProfile.objects.update_or_create(provider=provider, defaults={"contact_phone": "01234 567890"})
    new_register(placed)
    for at in (DUE, DUE + 30 * MIN, END):
        sweep(at)
    mail.outbox.clear()
    assert notifications_deliver(now=END) == len(LEVEL_1 | LEVEL_2 | LEVEL_3)
    names = {p.first_name for p in placed.pupils.values()} | {p.last_name for p in placed.pupils.values()}
    for message in mail.outbox:
        text = message.subject + "\n" + message.body
        assert not [n for n in names if n in text], text
        assert "Provider A" in text and "Mon 30 Nov, 09:00 session" in text and "sign in to see who" in text
    school_mail = next(m for m in mail.outbox if m.to == ["attendance_officer.school.a@example.org"])
    assert "01234 567890" in school_mail.body and "contact the provider" in school_mail.body
    assert "1 pupil" in school_mail.subject  # the school's own pupils only
    provider_mail = next(m for m in mail.outbox if m.to == ["provider_staff.provider.a@example.org"])
    assert "2 pupils" in provider_mail.subject and "take the register" in provider_mail.body


def test_many_registers_start_in_one_insert(placed):
    registers = [register_with_sessions(placements=[placed.placements["a"]],
                                        starts_at=START + dt.timedelta(days=d), length=END - START)
                 for d in range(0, 14, 7)]
    more = [register_with_sessions(placements=[placed.placements["c"]],
                                   starts_at=START + dt.timedelta(days=d), length=END - START)
            for d in range(1, 6)]
    with CaptureQueriesContext(connection) as few:
        alerts.registers_created(registers, now=BEFORE)
    with CaptureQueriesContext(connection) as many:
        alerts.registers_created(more, now=BEFORE)
    assert len(few) == len(many)
    assert sum(q["sql"].startswith("INSERT") for q in many.captured_queries) == 1
    with scopes_disabled():
        assert Escalation.objects.filter(ladder="missing_register").count() == 7


def test_a_register_moved_or_gone_moves_or_stops_its_ladder(placed):
    register = new_register(placed, sides=("a",))
    with scopes_disabled():
        Register.objects.filter(pk=register.pk).update(due_at=DUE + 60 * MIN, ends_at=END + 60 * MIN)
    alerts.registers_changed([register.pk], now=BEFORE)
    assert sweep(DUE).stepped == 0
    assert sweep(DUE + 60 * MIN).stepped == 1
    with scopes_disabled():
        ExpectedSession.objects.filter(register=register).delete()
        Register.objects.filter(pk=register.pk).delete()
    alerts.registers_changed([register.pk], now=DUE + 61 * MIN)
    assert sweep(END + 60 * MIN).stepped == 0
    with scopes_disabled():
        row = Escalation.objects.get(ladder="missing_register", target_id=register.pk)
    assert row.resolved_at is not None and row.level == 1


def test_a_school_sees_the_alert_of_a_register_holding_its_pupils_only(placed):
    shared = new_register(placed)  # schools a and c
    only_c = new_register(placed, starts_at=START + dt.timedelta(days=1), sides=("c",))

    def seen(kind, side):
        with scope(organisation=placed.org(kind, side)):
            return set(Escalation.objects.filter(ladder="missing_register").values_list("target_id", flat=True))

    assert seen(K.PROVIDER, "a") == {shared.pk, only_c.pk}
    assert seen(K.SCHOOL, "c") == {shared.pk, only_c.pk}
    assert seen(K.SCHOOL, "a") == {shared.pk}
    assert seen(K.SCHOOL, "b") == set() and seen(K.PROVIDER, "b") == set()
    assert seen(K.TRUST, "a") == set() and seen(K.LOCAL_AUTHORITY, "a") == set()
