"""The "qa_next_visit" ladder on the escalation engine with a fixed clock (issue 13 item 7):
reminder 30 days before the next visit is due (QA officers), due on the day, overdue 14 days after
(AP officers too), approval lapses 30 days after (a decision); each once, however often the sweep
runs; scheduling the next visit stops it."""

from __future__ import annotations

import datetime as dt

from apcommission.clock import london
from escalation.services import escalation_sweep
from notifications.models import Notification
from providers.models import ProviderListing
from qa_framework import approval
from qa_framework.models import ApprovalDecision, ApprovalStatus, QAVisit
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

from .qasign_helpers import NOW, completed_visit

AT = dt.time(7, 0)


def _approve(world):
    return approval.record_decision(local_authority=world.org(K.LOCAL_AUTHORITY), provider=world.org(K.PROVIDER),
                                    status=ApprovalStatus.APPROVED, by=None, now=NOW)


def _told(world):
    """{subject: sorted roles told} for the ladder's notifications."""
    with scopes_disabled():
        rows = Notification._base_manager.filter(topic="qa_next_visit").select_related("user")
        out = {}
        for n in rows:
            role = world.org(K.LOCAL_AUTHORITY).memberships.get(user=n.user).role
            out.setdefault(n.subject.split(":")[0], set()).add(role)
    return out


def _sweep_twice(at):
    escalation_sweep(now=at)
    escalation_sweep(now=at)


def test_each_step_once_then_approval_lapses_once(world):
    decision = _approve(world)
    due = decision.next_visit_due
    assert due == dt.date(2027, 11, 25)
    _sweep_twice(london(due - dt.timedelta(days=31), AT))
    assert _told(world) == {}
    _sweep_twice(london(due - dt.timedelta(days=30), AT))
    assert _told(world) == {"A QA visit is due soon": {Role.QA_OFFICER}}
    _sweep_twice(london(due, AT))
    assert _told(world)["A QA visit is due today"] == {Role.QA_OFFICER}
    _sweep_twice(london(due + dt.timedelta(days=14), AT))
    assert _told(world)["A QA visit is overdue"] == {Role.QA_OFFICER, Role.AP_OFFICER}
    with scopes_disabled():
        assert ApprovalDecision._base_manager.count() == 1
    _sweep_twice(london(due + dt.timedelta(days=30), AT))
    with scopes_disabled():
        decisions = list(ApprovalDecision._base_manager.order_by("decided_at", "pk"))
        listing = ProviderListing._base_manager.get(provider=world.org(K.PROVIDER),
                                                    local_authority=world.org(K.LOCAL_AUTHORITY))
        per_person = Notification._base_manager.filter(topic="qa_next_visit").values_list("user_id", "subject")
    assert [d.status for d in decisions] == [ApprovalStatus.APPROVED, ApprovalStatus.LAPSED]
    assert "had not taken place 30 days later" in decisions[1].reason and decisions[1].next_visit_due is None
    assert listing.status == "lapsed"
    assert _told(world)["Approval has lapsed"] == {Role.QA_OFFICER, Role.AP_OFFICER}
    assert len(per_person) == len(set(per_person))  # nobody told anything twice
    _sweep_twice(london(due + dt.timedelta(days=90), AT))
    with scopes_disabled():
        assert ApprovalDecision._base_manager.count() == 2


def test_a_late_sweep_takes_only_the_current_step(world):
    decision = _approve(world)
    escalation_sweep(now=london(decision.next_visit_due + dt.timedelta(days=15), AT))
    assert list(_told(world)) == ["A QA visit is overdue"]


def test_scheduling_the_next_visit_stops_the_ladder(world):
    decision = _approve(world)
    escalation_sweep(now=london(decision.next_visit_due - dt.timedelta(days=30), AT))
    completed_visit(world, now=NOW + dt.timedelta(days=300))  # the LA creates the next visit
    _sweep_twice(london(decision.next_visit_due + dt.timedelta(days=60), AT))
    assert list(_told(world)) == ["A QA visit is due soon"]
    with scopes_disabled():
        assert ApprovalDecision._base_manager.count() == 1
        assert QAVisit._base_manager.count() == 1


def test_conditions_bring_the_visit_forward_and_a_later_decision_replaces_the_ladder(world):
    la, provider = world.org(K.LOCAL_AUTHORITY), world.org(K.PROVIDER)
    first = approval.record_decision(local_authority=la, provider=provider, by=None, now=NOW,
                                     status=ApprovalStatus.APPROVED_WITH_CONDITIONS)
    assert first.next_visit_due == dt.date(2027, 5, 25)
    approval.record_decision(local_authority=la, provider=provider, by=None, now=NOW + dt.timedelta(days=1),
                             status=ApprovalStatus.SUSPENDED, reason="Concern")
    _sweep_twice(london(first.next_visit_due + dt.timedelta(days=40), AT))
    assert _told(world) == {}


def test_the_la_dashboard_counts_overdue_visits_and_links_to_them(world, login, settings):
    import re

    from django.urls import reverse

    from apcommission import clock

    decision = _approve(world)
    client = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    with clock.frozen(london(decision.next_visit_due + dt.timedelta(days=3), AT)):
        page = client.get(reverse("dashboard", kwargs={"org": "la-a"})).content.decode()
        listing = client.get(reverse("qa_framework:approved_list", kwargs={"org": "la-a"}) + "?queue=overdue")
    assert "QA visits overdue" in page and "Providers: approved" in page
    assert "Schedule 1 overdue QA visit" in page
    assert re.search(r'data-total="1"', listing.content.decode()) and "Provider A" in listing.content.decode()


def test_the_approved_list_costs_the_same_with_one_provider_or_six(world, login, django_assert_max_num_queries):
    from django.urls import reverse

    from tenancy.models import Organisation

    la = world.org(K.LOCAL_AUTHORITY)
    client = login(world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER))
    url = reverse("qa_framework:approved_list", kwargs={"org": "la-a"})
    _approve(world)
    client.get(url)  # warm the session and content types
    with django_assert_max_num_queries(12) as one:
        assert client.get(url).content.decode().count("govuk-table__row") == 2  # header + 1
    for n in range(5):
        provider = Organisation.objects.create(kind=K.PROVIDER, name=f"Extra {n}", slug=f"extra-{n}")
        approval.record_decision(local_authority=la, provider=provider, status=ApprovalStatus.APPROVED, by=None,
                                 now=NOW)
    for query in ("?queue=due", ""):
        with django_assert_max_num_queries(len(one.captured_queries)):
            page = client.get(url + query).content.decode()
    assert page.count("govuk-table__row") == 7
