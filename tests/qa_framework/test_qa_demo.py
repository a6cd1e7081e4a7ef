"""The demo's QA (qa_framework/demo.py): every approved provider got its status from an approval
decision (the approved list's history), none from a status written by the loader — Pathways and
Forge were approved about a year ago, and Northshire's signed QA visit to Pathways gives it a new
decision (approved, from that visit, next visit in a year) and leaves one improvement action open;
loading the demo twice adds nothing."""

from __future__ import annotations

import io

from django.core.management import call_command

from providers.models import ProviderListing
from qa_framework.models import (
    ApprovalDecision,
    ApprovalStatus,
    ImprovementAction,
    QAVisit,
    VisitState,
)
from tenancy.scoping import scopes_disabled


def _qa():
    with scopes_disabled():
        return (list(QAVisit.objects.values_list("owner__slug", "provider__slug", "state")),
                list(ApprovalDecision.objects.order_by("provider__slug", "decided_at")
                     .values_list("local_authority__slug", "provider__slug", "status", "visit__state")),
                list(ImprovementAction.objects.filter(done_on__isnull=True).values_list("provider__slug", "rag")))


def test_loading_the_demo_gives_pathways_an_approval_decision_from_a_signed_visit(db):
    call_command("load_demo_data", stdout=io.StringIO())
    first = _qa()
    assert first == ([("northshire", "pathways", VisitState.SIGNED)],
                     [("northshire", "forge-skills", ApprovalStatus.APPROVED, None),
                      ("northshire", "pathways", ApprovalStatus.APPROVED, None),
                      ("northshire", "pathways", ApprovalStatus.APPROVED, VisitState.SIGNED)],
                     [("pathways", "amber")])
    with scopes_disabled():
        decision = ApprovalDecision.objects.get(visit__isnull=False)
        assert (decision.next_visit_due - decision.decided_at.date()).days in (365, 366)
        # Each listing's status is its latest decision's; a provider with no decision is only listed.
        listings = dict(ProviderListing.objects.values_list("provider__slug", "status"))
        latest = {slug: status for _, slug, status, _ in first[1]}
    assert listings == {**latest, "green-shoots": "listed"}
    call_command("load_demo_data", stdout=io.StringIO())
    assert _qa() == first
