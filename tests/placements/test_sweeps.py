"""The initial-assessment sweep follows the provider expiry sweep's pattern (issue 9 item 3): a stored
next-due time, a partial index matching the query exactly, and a conditional claim so that two
workers never send the same reminder twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from placements import services
from placements.factories import PupilFactory, placement_in_state
from placements.models import Placement, State
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

ACCEPTED_AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)  # assessment due 2 December
WINDOW_OPENS = dt.datetime(2026, 11, 30, 0, 0, tzinfo=dt.UTC)  # two days before, midnight in England (GMT)
OVERDUE_FROM = dt.datetime(2026, 12, 3, 0, 0, tzinfo=dt.UTC)


def accepted(world, pupil=None) -> Placement:
    """A placement the provider accepted through the real lifecycle at ACCEPTED_AT."""
    provider = world.org(K.PROVIDER)
    referred = placement_in_state(pupil=pupil or world.pupils["a"], provider=provider, state=State.REFERRED,
                                  now=ACCEPTED_AT)
    with scope(organisation=provider):
        return services.provider_respond(placement=referred, accept=True, reason="", organisation=provider,
                                         by=world.user(K.PROVIDER, Role.PROVIDER_MANAGER), now=ACCEPTED_AT)


def reminders() -> list[str]:
    with scopes_disabled():
        return list(Notification.objects.filter(topic="initial_assessment").order_by("pk").values_list("subject", flat=True))


def test_acceptance_stores_when_the_sweep_must_look(world):
    placement = accepted(world)
    assert placement.initial_assessment_due == dt.date(2026, 12, 2)
    assert placement.assessment_reminder_at == WINDOW_OPENS


def test_sends_each_reminder_once_when_due_and_not_before(world):
    placement = accepted(world)
    assert services.initial_assessment_reminders(now=WINDOW_OPENS - dt.timedelta(seconds=1)) == 0
    assert reminders() == []
    assert services.initial_assessment_reminders(now=WINDOW_OPENS) == 1
    assert services.initial_assessment_reminders(now=WINDOW_OPENS + dt.timedelta(hours=1)) == 0
    assert reminders() == ["An initial assessment is due soon"]
    assert services.initial_assessment_reminders(now=OVERDUE_FROM - dt.timedelta(seconds=1)) == 0
    assert services.initial_assessment_reminders(now=OVERDUE_FROM) == 1
    assert services.initial_assessment_reminders(now=OVERDUE_FROM + dt.timedelta(days=5)) == 0
    assert reminders() == ["An initial assessment is due soon", "An initial assessment is overdue"]
    with scopes_disabled():
        placement.refresh_from_db()
    assert placement.assessment_reminder_at is None  # nothing more to send: out of the index


def test_a_sweep_run_late_sends_only_the_overdue_reminder(world):
    accepted(world)
    assert services.initial_assessment_reminders(now=OVERDUE_FROM + dt.timedelta(days=2)) == 1
    assert reminders() == ["An initial assessment is overdue"]


def test_two_workers_reading_the_same_due_row_send_once(world):
    accepted(world)
    worker_a = services.initial_assessment_due_rows(now=WINDOW_OPENS)
    worker_b = services.initial_assessment_due_rows(now=WINDOW_OPENS)
    assert len(worker_a) == len(worker_b) == 1
    sent = [services.initial_assessment_remind_one(row, now=WINDOW_OPENS) for row in (*worker_a, *worker_b)]
    assert sent == [1, 0]
    assert reminders() == ["An initial assessment is due soon"]


def test_a_recorded_assessment_stops_the_reminders(world):
    placement = accepted(world)
    provider = world.org(K.PROVIDER)
    with scope(organisation=provider):
        services.initial_assessment_record(placement=placement, done_on=dt.date(2026, 11, 27), summary="Assessed",
                                           by=world.user(K.PROVIDER, Role.PROVIDER_MANAGER), organisation=provider,
                                           now=ACCEPTED_AT)
    assert services.initial_assessment_reminders(now=OVERDUE_FROM) == 0
    assert reminders() == []
    with scopes_disabled():
        placement.refresh_from_db()
    assert placement.assessment_reminder_at is None


def test_rows_not_yet_due_cost_no_queries(world):
    """One query however many placements wait: rows not due are never loaded."""
    accepted(world)

    def sweep_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert services.initial_assessment_reminders(now=WINDOW_OPENS - dt.timedelta(hours=1)) == 0
        return len(ctx.captured_queries)

    one = sweep_queries()
    for n in range(5):
        with scopes_disabled():
            pupil = PupilFactory(school=world.org(K.SCHOOL), first_name=f"Waiting{n}")
        accepted(world, pupil=pupil)
    assert sweep_queries() == one == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN check is for PostgreSQL")
def test_the_sweep_query_uses_its_partial_index(world):
    accepted(world)
    with scopes_disabled():
        query = services.initial_assessment_due_query(now=WINDOW_OPENS)[:1000]
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "placement_assessment_reminder" in plan, plan
