"""The improvement plan (issue 13 item 4): the owner adds rows to a QA visit, the provider records
progress with evidence once the visit is completed, the owner changes the RAG rating and closes;
overdue rows climb the "qa_action_overdue" ladder with a fixed clock (the officer the day after,
the LA's QA and AP officers 5 working days later), each person once, and closing stops it."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from apcommission import clock
from apcommission.errors import Refusal
from escalation.services import escalation_sweep
from notifications.models import Notification
from qa_framework import services
from qa_framework.ladders import action_anchors, working_days_after
from qa_framework.models import ImprovementAction, QAVisit, VisitState
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .helpers import NOW, action, visit


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


pytestmark = pytest.mark.django_db
D = dt.date
DUE = D(2026, 12, 4)  # a Friday
DAY_AFTER = clock.london(D(2026, 12, 5), dt.time(7, 0))
ESCALATE = clock.london(D(2026, 12, 11), dt.time(7, 0))  # 5 working days after Saturday 5 December
MIN = dt.timedelta(minutes=1)


def sweep(at):
    with clock.frozen(at):
        return escalation_sweep(now=clock.now())


def told() -> Counter:
    with scopes_disabled():
        return Counter(e.split("@")[0] for e in Notification.objects.filter(topic="qa_action_overdue")
                       .values_list("user__email", flat=True))


def test_working_days_skip_weekends_and_bank_holidays():
    assert working_days_after(D(2026, 12, 5), 5) == D(2026, 12, 11)
    # Christmas Day, Boxing Day (substitute Monday 28 December 2026) and New Year's Day are not working days:
    # 29, 30, 31 December, 4 and 5 January.
    assert working_days_after(D(2026, 12, 24), 5) == D(2027, 1, 5)
    assert action_anchors(DUE) == {"overdue": DAY_AFTER, "escalate": ESCALATE}


def test_the_owner_adds_a_row_and_the_provider_sees_it_only_once_the_visit_is_completed(world):
    la, provider = world.org(K.LOCAL_AUTHORITY), world.org(K.PROVIDER)
    scheduled = visit(world, state=VisitState.IN_PROGRESS)
    with scope(organisation=la):
        row = services.action_add(visit=scheduled, values={"area": "Fire drills", "actions": "Log each drill",
                                                           "rag": "red", "due_on": DUE, "who_by": "Manager"},
                                  by=world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER), organisation=la, now=NOW)
    with scope(organisation=provider):
        assert not ImprovementAction.objects.filter(pk=row.pk).exists()
    with scopes_disabled():
        QAVisit.objects.filter(pk=scheduled.pk).update(state=VisitState.COMPLETED)
    with scope(organisation=provider):
        row = ImprovementAction.objects.get(pk=row.pk)
        services.action_progress(action=row, progress="Drill held 1 December", evidence="Fire log page 3",
                                 by=world.user(K.PROVIDER, Role.PROVIDER_MANAGER), organisation=provider, now=NOW)
    with scope(organisation=world.org(K.PROVIDER, "b")):
        assert not ImprovementAction.objects.filter(pk=row.pk).exists()
    with scope(organisation=world.org(K.LOCAL_AUTHORITY, "b")):
        assert not ImprovementAction.objects.filter(pk=row.pk).exists()
    with scopes_disabled():
        row.refresh_from_db()
        assert (row.progress, row.evidence, row.progress_updated_at) == ("Drill held 1 December", "Fire log page 3", NOW)
        assert AuditEvent.objects.filter(organisation=provider, detail__startswith="Progress recorded").count() == 1


def test_refusals_say_why(world):
    la, provider = world.org(K.LOCAL_AUTHORITY), world.org(K.PROVIDER)
    row = action(world)
    with scope(organisation=provider), pytest.raises(Refusal, match="Only the organisation"):
        services.action_close(action=row, by=None, organisation=provider, now=NOW)
    with scope(organisation=la):
        with pytest.raises(Refusal, match="Only the provider"):
            services.action_progress(action=row, progress="x", evidence="", by=None, organisation=la, now=NOW)
        with pytest.raises(ValidationError):
            services.action_add(visit=row.visit, values={"area": "a", "actions": "b", "rag": "red",
                                                         "due_on": D(2026, 11, 1), "who_by": "c"},
                                by=None, organisation=la, now=NOW)


def test_a_signed_visits_plan_keeps_its_wording_but_the_rag_rating_moves(world):
    la = world.org(K.LOCAL_AUTHORITY)
    row = action(world, state=VisitState.SIGNED)
    with scope(organisation=la):
        row = ImprovementAction.objects.select_related("visit").get(pk=row.pk)
        with pytest.raises(Refusal, match="only the RAG rating"):
            services.action_update(action=row, values={"area": "Something else"}, by=None, organisation=la, now=NOW)
        with pytest.raises(Refusal, match="signed"):
            services.action_add(visit=row.visit, values={"area": "a", "actions": "b", "rag": "red", "due_on": DUE,
                                                         "who_by": "c"}, by=None, organisation=la, now=NOW)
        services.action_update(action=row, values={"rag": "green", "area": row.area}, by=None, organisation=la, now=NOW)
    with scopes_disabled():
        assert ImprovementAction.objects.get(pk=row.pk).rag == "green"


def test_an_overdue_action_tells_the_officer_then_qa_and_ap_officers_once_each(world):
    action(world)
    sweep(DAY_AFTER - MIN)
    assert told() == Counter()
    sweep(DAY_AFTER)
    sweep(DAY_AFTER + MIN)  # again: nobody twice
    assert told() == Counter({"qa_officer.local_authority.a": 1})
    sweep(ESCALATE - MIN)
    sweep(ESCALATE)
    sweep(ESCALATE + dt.timedelta(hours=3))
    assert told() == Counter({"qa_officer.local_authority.a": 2, "ap_officer.local_authority.a": 1})
    with scopes_disabled():
        note = Notification.objects.filter(topic="qa_action_overdue").first()
        assert "Provider A" in note.body and "Fire drill records" in note.body


def test_after_downtime_only_the_current_level_is_sent_and_closing_stops_the_ladder(world):
    la = world.org(K.LOCAL_AUTHORITY)
    row = action(world)
    sweep(ESCALATE + dt.timedelta(days=2))
    assert told() == Counter({"qa_officer.local_authority.a": 1, "ap_officer.local_authority.a": 1})

    second = action(world, area="Online safety policy")
    with scope(organisation=la):
        services.action_close(action=ImprovementAction.objects.get(pk=second.pk), by=None, organisation=la, now=NOW)
    sweep(ESCALATE + dt.timedelta(days=3))
    with scopes_disabled():
        assert Notification.objects.filter(topic="qa_action_overdue", body__contains="Online safety").count() == 0
    assert row.pk != second.pk


def test_a_new_date_restarts_the_ladder_from_it(world):
    la = world.org(K.LOCAL_AUTHORITY)
    row = action(world)
    sweep(DAY_AFTER)
    assert told() == Counter({"qa_officer.local_authority.a": 1})
    with scope(organisation=la):
        row = ImprovementAction.objects.select_related("visit").get(pk=row.pk)
        services.action_update(action=row, values={"due_on": D(2027, 1, 15)}, by=None, organisation=la,
                               now=DAY_AFTER + MIN)
    sweep(ESCALATE)
    assert told() == Counter({"qa_officer.local_authority.a": 1})
    sweep(clock.london(D(2027, 1, 16), dt.time(7, 0)))
    assert told() == Counter({"qa_officer.local_authority.a": 2})


def test_a_schools_termly_qa_plan_goes_to_its_own_staff(world):
    action(world, kind=K.SCHOOL)
    sweep(DAY_AFTER)
    assert told() == Counter({"ap_lead.school.a": 1})
    sweep(ESCALATE)
    assert told() == Counter({"ap_lead.school.a": 2, "headteacher.school.a": 1})
