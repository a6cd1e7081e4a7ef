"""The LA's approved-list panel (issue 13 item 8): providers by approval status, QA visits due and
overdue. Each figure links to the list it counts (the directory filtered by status; the approved
list's `?queue=due` / `?queue=overdue`). Three queries whatever the number of providers.
Open improvement actions by RAG are a panel of their own (ImprovementActionsPanel, below): for the
organisation that runs QA visits (an LA; a school for its termly QA), the open actions of its plans
by RAG rating, each figure linking to the list it counts, and the overdue ones to chase (one query)."""

from __future__ import annotations

from django.db.models import Count, Q

from apcommission.dashboards import Attention, Panel, PanelResult, Viewer, figure, register
from providers.models import ListingStatus, ProviderListing
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from . import selectors, selectors_approval
from .approval import LAPSE_AFTER_DAYS
from .models import RAG

# providers.dashboard.DirectoryPanel already counts these two.
SHOWN_BY_THE_DIRECTORY_PANEL = (ListingStatus.LISTED, ListingStatus.SUSPENDED)


@register
class ApprovedListPanel(Panel):
    key = "qa_approved_list"
    order = 55
    kinds = frozenset({K.LOCAL_AUTHORITY})
    capabilities = frozenset({C.MANAGE_DIRECTORY, C.RUN_QA_VISITS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        counts = ProviderListing.objects.aggregate(**{s: Count("pk", filter=Q(status=s)) for s in ListingStatus.values})
        figures = []
        for status, label in ListingStatus.choices:
            if counts[status] and status not in SHOWN_BY_THE_DIRECTORY_PANEL:
                figures += figure(viewer, f"Providers: {label.lower()}", counts[status], "providers:directory",
                                  query={"status": status})
        due = selectors_approval.current_decisions(today=viewer.today, queue="due").count()
        overdue = selectors_approval.current_decisions(today=viewer.today, queue="overdue").count()
        figures += figure(viewer, f"QA visits due in the next {selectors_approval.DUE_WITHIN_DAYS} days", due,
                          "qa_framework:approved_list", query={"queue": "due"})
        figures += figure(viewer, "QA visits overdue", overdue, "qa_framework:approved_list",
                          query={"queue": "overdue"})
        attention = []
        url = viewer.link("qa_framework:approved_list", query={"queue": "overdue"})
        if overdue and url:
            attention.append(Attention(f"Schedule {overdue} overdue QA visit{'s' if overdue != 1 else ''}", url,
                                       f"Approval lapses {LAPSE_AFTER_DAYS} days after the due date", True))
        return PanelResult(title="Approved list", attention=attention, figures=figures)


@register
class ImprovementActionsPanel(Panel):
    key = "qa_improvement_actions"
    order = 56
    kinds = frozenset({K.LOCAL_AUTHORITY, K.SCHOOL})
    capabilities = frozenset({C.RUN_QA_VISITS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        if viewer.link("qa_framework:action_list") is None:
            return None
        counts = selectors.open_actions_by_rag(today=viewer.today)
        if not counts.total:
            return None
        figures = []
        for rag in RAG:
            figures += figure(viewer, f"Open improvement actions rated {rag.label.lower()}", getattr(counts, rag.value),
                              "qa_framework:action_list", query={"rag": rag.value})
        attention = []
        if counts.overdue:
            url = viewer.link("qa_framework:action_list", query={"queue": selectors.OVERDUE})
            noun = "action is" if counts.overdue == 1 else "actions are"
            attention.append(Attention(f"{counts.overdue} improvement {noun} overdue", url,
                                       hint="Chase the provider, change the RAG rating or close", overdue=True))
        return PanelResult(title="Improvement actions", attention=attention, figures=figures)
