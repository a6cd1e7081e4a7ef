"""Safeguarding on the dashboards: the school's open emergency reviews (an attention item each) and,
for DSLs and people a concern was shared with, how many concerns they have not read yet."""

from __future__ import annotations

from apcommission.dashboards import Attention, Panel, PanelResult, Viewer, attention_panel, register
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from . import selectors
from .models import EmergencyReview


@register
class EmergencyReviewPanel(Panel):
    """School AP lead (and others who record visits and reviews): "Emergency review open for …"."""

    key = "emergency_reviews"
    order = 12
    kinds = frozenset({K.SCHOOL})
    capabilities = frozenset({C.RECORD_VISITS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        reviews = list(EmergencyReview.objects.filter(closed_at__isnull=True)
                       .select_related("placement__pupil", "placement__provider").order_by("due_on")[:20])
        items = [Attention(f"Emergency review open for {r.placement.pupil.first_name} {r.placement.pupil.last_name} "
                           f"at {r.placement.provider.name}",
                           viewer.link("safeguarding:review_detail", pk=r.pk),
                           hint=f"Due by {r.due_on:%-d %B %Y}", overdue=r.due_on < viewer.today)
                 for r in reviews]
        return attention_panel("Emergency reviews", items)


@register
class ConcernsPanel(Panel):
    """"N new safeguarding concerns" for whoever reads concerns (DSLs, or people shared one)."""

    key = "safeguarding_concerns"
    order = 5
    kinds = frozenset({K.SCHOOL, K.PROVIDER, K.TRUST, K.LOCAL_AUTHORITY})
    capabilities = frozenset({C.VIEW_DASHBOARD})

    def build(self, viewer: Viewer) -> PanelResult | None:
        count = selectors.unread_concerns(viewer.membership).count()
        if not count:
            return None
        url = viewer.link("safeguarding:concern_list")
        text = f"{count} new safeguarding concern{'s' if count != 1 else ''}"
        return PanelResult(title="Safeguarding", attention=[Attention(text, url, hint="Read them now")])
