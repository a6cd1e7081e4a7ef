"""Visits on the dashboards (apcommission/dashboards.py): a school's (or trust's) placements with a
half-termly visit overdue, as things to do and as a figure; an LA's count across its schools. A few
queries each, whatever the data; each figure counts exactly the list it links to."""

from __future__ import annotations

from django.db.models import Count, Window

from apcommission.dashboards import Attention, Panel, PanelResult, Viewer, figure, register
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from . import selectors
from .review_dashboard import review_attention
from .views import OVERDUE_LABEL

ATTENTION_ITEMS = 5
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
        for row in selectors.list_rows(first, viewer.membership):
            url = viewer.link("monitoring:placement_monitoring", pk=row.placement.pk)
            if url:
                attention.append(Attention(f"Visit {row.label.text} at {row.placement.provider.name}", url,
                                           hint="Half-termly visit overdue", overdue=True))
        attention.extend(review_attention(viewer))  # review meetings due or overdue (monitoring/review_dashboard.py)
        return PanelResult(title="Visits", attention=attention,
                           figures=figure(viewer, OVERDUE_LABEL, count, "monitoring:visit_list", query=query))


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
