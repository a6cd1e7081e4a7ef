"""The demo's QA (qa_framework/demo.py): Northshire's signed QA visit to Pathways gives the provider
an approval decision (approved, from that visit, next visit in a year) and leaves one improvement
action open; loading the demo twice adds nothing."""

from __future__ import annotations

import io

from django.core.management import call_command

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
                list(ApprovalDecision.objects.values_list("local_authority__slug", "provider__slug", "status",
                                                          "visit__state")),
                list(ImprovementAction.objects.filter(done_on__isnull=True).values_list("provider__slug", "rag")))


def test_loading_the_demo_gives_pathways_an_approval_decision_from_a_signed_visit(db):
    call_command("load_demo_data", stdout=io.StringIO())
    first = _qa()
    assert first == ([("northshire", "pathways", VisitState.SIGNED)],
                     [("northshire", "pathways", ApprovalStatus.APPROVED, VisitState.SIGNED)],
                     [("pathways", "amber")])
    with scopes_disabled():
        decision = ApprovalDecision.objects.get()
        assert (decision.next_visit_due - decision.decided_at.date()).days in (365, 366)
    call_command("load_demo_data", stdout=io.StringIO())
    assert _qa() == first
