"""Visits on the dashboards (apcommission/dashboards.py): a school's (or trust's) placements with a
half-termly visit overdue, as things to do and as a figure; each visit owner's own work (a visit due
this half term, the school's actions from a visit past their due date); an LA's count across its
schools. A few queries each, whatever the data; each figure counts exactly the list it links to."""

from __future__ import annotations

from django.db.models import Count, Window

from apcommission.dashboards import (
    Panel,
    PanelResult,
    Viewer,
    attention_panel,
    figure,
    register,
    todo,
)
from placements import selectors as placement_selectors
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from . import selectors
from .review_dashboard import review_attention
from .views import OVERDUE_LABEL

ATTENTION_ITEMS = 5
MY_ITEMS = 10
AREA_LABEL = "Placements with a visit overdue in your area's schools"


@register
class VisitsPanel(Panel):
    key = "monitoring_visits"
    order = 27
    kinds = frozenset({K.SCHOOL, K.TRUST})
    capabilities = frozenset({C.VIEW_PUPILS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        query = {"queue": selectors.OVERDUE}
        if viewer.link("monitoring:visit_list", query=query) is None:
            return None
        first = list(selectors.monitoring_list(today=viewer.today, queue=selectors.OVERDUE)
                     .annotate(total=Window(Count("pk")))[:ATTENTION_ITEMS])  # one query: the first few and the count
        count = first[0].total if first else 0
        attention = []
        for placement in first:
            label = placement_selectors.list_label(placement, viewer.membership)
            attention += todo(viewer, f"Visit {label.text} at {placement.provider.name}",
                              "monitoring:placement_monitoring", pk=placement.pk, hint="Half-termly visit overdue",
                              overdue=True)
        attention.extend(review_attention(viewer))  # review meetings due or overdue (monitoring/review_dashboard.py)
        return PanelResult(title="Visits", attention=attention,
                           figures=figure(viewer, OVERDUE_LABEL, count, "monitoring:visit_list", query=query))


@register
class MyVisitsPanel(Panel):
    """What needs doing for the visits a member owns (overdue visits are in VisitsPanel for everyone)."""

    key = "monitoring_my_visits"
    order = 26
    kinds = frozenset({K.SCHOOL})
    capabilities = frozenset({C.RECORD_VISITS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        rows = list(selectors.my_visit_work(viewer.membership, today=viewer.today)[:MY_ITEMS])  # one query
        attention = []
        for placement in rows:
            where = f"{placement_selectors.list_label(placement, viewer.membership).text} at {placement.provider.name}"
            if placement.visit_due_by is not None:
                attention += todo(viewer, f"Visit {where}", "monitoring:placement_monitoring", pk=placement.pk,
                                  hint=f"Half-termly visit due by {placement.visit_due_by:%-d %B %Y}")
            if placement.actions_overdue:
                count = placement.actions_overdue
                attention += todo(viewer, f"{count} action{'s' if count != 1 else ''} from visits to {where}",
                                  "monitoring:placement_monitoring", pk=placement.pk, overdue=True,
                                  hint=f"Overdue since {placement.actions_due_since:%-d %B %Y}")
        return attention_panel("Your visits", attention)


@register
class ProviderActionsPanel(Panel):
    """A provider's managers: the actions schools' visits set for the provider that are past their date."""

    key = "monitoring_provider_actions"
    order = 27
    kinds = frozenset({K.PROVIDER})
    capabilities = frozenset({C.SIGN_AGREEMENTS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        late = list(selectors.provider_actions_overdue(today=viewer.today)[:ATTENTION_ITEMS])  # one query
        attention = []
        for action in late:
            placement = action.visit.placement
            label = placement_selectors.list_label(placement, viewer.membership)
            attention += todo(viewer, f"Action from {placement.school.name}'s visit for {label.text}",
                              "monitoring:visit_detail", pk=action.visit_id, hint=f"Due {action.due_on:%-d %B %Y}",
                              overdue=True)
        return attention_panel("Visit actions", attention)


@register
class AreaVisitsPanel(Panel):
    key = "monitoring_area_visits"
    order = 27
    kinds = frozenset({K.LOCAL_AUTHORITY})
    capabilities = frozenset({C.VIEW_AREA})

    def build(self, viewer: Viewer) -> PanelResult | None:
        if viewer.link("monitoring:area_overdue") is None:
            return None
        count = selectors.area_overdue_count(today=viewer.today)
        return PanelResult(title="Visits", figures=figure(viewer, AREA_LABEL, count, "monitoring:area_overdue"))

from . import reports_dashboard  # noqa: E402,F401  (termly report panels register themselves)
