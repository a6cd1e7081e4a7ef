"""Initial-assessment reminders on the one escalation engine (issue 11 item 6): accepting puts the
placement on the "initial_assessment" ladder; the minute sweep tells the provider's managers once
when the assessment is due soon and once when it is overdue; recording it (or ending the placement)
stops the ladder. With a fixed clock; re-runs and two sweeps at once never tell anyone twice."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apcommission import clock
from escalation.models import Escalation
from escalation.services import escalation_sweep
from notifications.models import Notification
from placements import services
from placements.factories import PupilFactory, placement_in_state
from placements.ladders import INITIAL_ASSESSMENT
from placements.models import EndReason, Placement, State
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled
from tests.escalation.test_concurrency import run_in_thread

ACCEPTED_AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)  # assessment due 2 December
WINDOW_OPENS = dt.datetime(2026, 11, 30, 0, 0, tzinfo=dt.UTC)  # two days before, midnight in England (GMT)
OVERDUE_FROM = dt.datetime(2026, 12, 3, 0, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)
DUE_SOON, OVERDUE = "An initial assessment is due soon", "An initial assessment is overdue"
BACKSTOP = 60  # seconds; only reached if the code under test is broken


def accepted(world, pupil=None) -> Placement:
    """A placement the provider accepted through the real lifecycle at ACCEPTED_AT."""
    provider = world.org(K.PROVIDER)
    referred = placement_in_state(pupil=pupil or world.pupils["a"], provider=provider, state=State.REFERRED,
                                  now=ACCEPTED_AT)
    with scope(organisation=provider):
        return services.provider_respond(placement=referred, accept=True, reason="", organisation=provider,
                                         by=world.user(K.PROVIDER, Role.PROVIDER_MANAGER), now=ACCEPTED_AT)


def sweep(at: dt.datetime) -> int:
    with clock.frozen(at):
        return escalation_sweep(now=clock.now()).stepped


def reminders() -> list[str]:
    with scopes_disabled():
        return list(Notification.objects.filter(topic="initial_assessment").order_by("pk").values_list("subject", flat=True))


def ladder_row(placement) -> Escalation:
    with scopes_disabled():
        return Escalation.objects.get(ladder=INITIAL_ASSESSMENT, target_id=placement.pk)


def test_accepting_puts_the_placement_on_the_ladder(world):
    placement = accepted(world)
    assert placement.initial_assessment_due == dt.date(2026, 12, 2)
    row = ladder_row(placement)
    assert (row.organisation, row.other_organisation) == (world.org(K.SCHOOL), world.org(K.PROVIDER))
    assert row.level == 0 and row.next_step_at == WINDOW_OPENS


def test_each_reminder_once_when_due_and_not_before(world):
    placement = accepted(world)
    assert sweep(WINDOW_OPENS - SECOND) == 0 and reminders() == []
    assert sweep(WINDOW_OPENS) == 1
    assert sweep(WINDOW_OPENS + dt.timedelta(hours=1)) == 0
    assert reminders() == [DUE_SOON]
    assert sweep(OVERDUE_FROM - SECOND) == 0
    assert sweep(OVERDUE_FROM) == 1
    assert sweep(OVERDUE_FROM + dt.timedelta(days=5)) == 0
    assert reminders() == [DUE_SOON, OVERDUE]
    assert ladder_row(placement).next_step_at is None  # nothing more to send: out of the sweep's index


def test_the_provider_managers_hear_what_to_do_without_the_pupils_name(world):
    placement = accepted(world)
    sweep(WINDOW_OPENS)
    with scopes_disabled():
        sent = list(Notification.objects.filter(topic="initial_assessment").select_related("user", "organisation"))
    assert {n.user.email.split("@")[0] for n in sent} == {"provider_manager.provider.a"}
    [note] = sent
    assert note.organisation == world.org(K.PROVIDER)
    assert note.body == (f"Assess the needs of the pupil referred by {world.org(K.SCHOOL).name} by 2 December 2026 "
                         "(within 7 days of accepting).")
    assert note.link == f"/o/{world.org(K.PROVIDER).slug}/placements/{placement.pk}/"
    assert world.pupils["a"].first_name not in note.subject + note.body


def test_a_sweep_run_late_sends_only_the_overdue_reminder(world):
    accepted(world)
    assert sweep(OVERDUE_FROM + dt.timedelta(days=2)) == 1
    assert reminders() == [OVERDUE]


def test_a_recorded_assessment_stops_the_reminders(world):
    placement = accepted(world)
    provider = world.org(K.PROVIDER)
    sweep(WINDOW_OPENS)
    with scope(organisation=provider):
        services.initial_assessment_record(placement=placement, done_on=dt.date(2026, 11, 30), summary="Assessed",
                                           by=world.user(K.PROVIDER, Role.PROVIDER_MANAGER), organisation=provider,
                                           now=WINDOW_OPENS + dt.timedelta(hours=9))
    assert sweep(OVERDUE_FROM) == 0
    assert reminders() == [DUE_SOON]
    row = ladder_row(placement)
    assert row.resolved_at == WINDOW_OPENS + dt.timedelta(hours=9) and row.next_step_at is None


def test_ending_the_placement_stops_the_reminders(world):
    placement = accepted(world)
    school = world.org(K.SCHOOL)
    with scope(organisation=school):
        services.placement_end(placement=placement, by=world.user(K.SCHOOL, Role.AP_LEAD), organisation=school,
                               now=ACCEPTED_AT + dt.timedelta(days=1),
                               data={"ended_on": dt.date(2026, 11, 26), "end_reason": EndReason.COMPLETED})
    assert sweep(OVERDUE_FROM) == 0
    assert reminders() == []
    assert ladder_row(placement).resolved_at is not None


def test_a_declined_referral_never_starts_a_ladder(world):
    placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.DECLINED, now=ACCEPTED_AT)
    with scopes_disabled():
        assert not Escalation.objects.filter(ladder=INITIAL_ASSESSMENT).exists()
    assert sweep(OVERDUE_FROM) == 0 and reminders() == []


def test_many_due_placements_are_read_in_one_query(world):
    """The ladder loads its placements once per sweep batch (with school and provider): no query per
    placement (the engine's own notification writes are its business: tests/escalation)."""
    school = world.org(K.SCHOOL)
    accepted(world)

    def placement_reads(at):
        with CaptureQueriesContext(connection) as ctx:
            sweep(at)
        return [q["sql"] for q in ctx.captured_queries if 'FROM "placements_placement"' in q["sql"]]

    assert len(placement_reads(WINDOW_OPENS)) == 1
    for n in range(5):
        with scopes_disabled():
            pupil = PupilFactory(school=school, first_name=f"Waiting{n}")
        accepted(world, pupil=pupil)
    assert len(placement_reads(OVERDUE_FROM)) == 1
    assert reminders().count(OVERDUE) == 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_remind_each_manager_once(world, monkeypatch):
    monkeypatch.setattr("notifications.services._enqueue_delivery", lambda: None)  # the sweep is what is tested
    for n in range(12):
        with scopes_disabled():
            pupil = PupilFactory(school=world.org(K.SCHOOL), first_name=f"Pupil{n}")
        accepted(world, pupil=pupil)
    for at in (WINDOW_OPENS, OVERDUE_FROM):
        barrier, errors, stepped = threading.Barrier(2, timeout=BACKSTOP), [], []

        def both(at=at, barrier=barrier, stepped=stepped):
            barrier.wait()
            with clock.frozen(at):
                stepped.append(escalation_sweep(now=clock.now(), batch_size=5).stepped)

        threads = [run_in_thread(both, errors) for _ in range(2)]
        for thread in threads:
            thread.join(BACKSTOP)
        assert not errors, errors
        assert sum(stepped) == 12
    assert reminders().count(DUE_SOON) == reminders().count(OVERDUE) == 12


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_an_owed_reminder_over_at_the_level_it_reached(world):
    """placements 0009 on a database the old sweep ran on: a placement whose "due soon" reminder
    went (its stored time moved to the overdue one) joins the ladder at level 1, so only "overdue"
    follows."""
    from django.db.migrations.executor import MigrationExecutor

    waiting = accepted(world)
    with scopes_disabled():
        Escalation.objects.all().delete()  # as before the engine: no ladder rows
    before = [("placements", "0008_agreement_effective_from_current_pointer")]  # then forward through 0009
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE placements_placement SET assessment_reminder_at = %s WHERE id = %s",
                           [OVERDUE_FROM, waiting.pk])
    finally:
        executor = MigrationExecutor(connection)
        # Every app's latest migration, not only this one: going back unapplied the apps that depend
        # on it (safeguarding, monitoring, …), and later tests on this database need their tables.
        executor.migrate(executor.loader.graph.leaf_nodes())
    row = ladder_row(waiting)
    assert (row.level, row.next_step_at, row.other_organisation_id) == (1, OVERDUE_FROM, world.org(K.PROVIDER).pk)
    assert sweep(OVERDUE_FROM) == 1
    assert reminders() == [OVERDUE]
