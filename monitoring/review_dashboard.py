"""Review meetings on the monitoring dashboard panel (monitoring/dashboard.py VisitsPanel): each
placement whose next review meeting is due within a week or overdue, as a thing to do (one query for
the first few)."""

from __future__ import annotations

from apcommission.dashboards import Attention, Viewer, todo
from placements import selectors as placement_selectors

from . import review_selectors

ATTENTION_ITEMS = 5


def review_attention(viewer: Viewer) -> list[Attention]:
    items = []
    for meeting in review_selectors.reviews_due(today=viewer.today)[:ATTENTION_ITEMS]:
        placement = meeting.placement
        label = placement_selectors.list_label(placement, viewer.membership)
        overdue = meeting.next_review_on < viewer.today
        items += todo(viewer, f"Review meeting for {label.text} at {placement.provider.name}",
                      "monitoring:placement_monitoring", pk=placement.pk, fragment="#reviews", overdue=overdue,
                      hint=(f"Review meeting overdue since {meeting.next_review_on:%-d %B %Y}" if overdue
                            else f"Review meeting due {meeting.next_review_on:%-d %B %Y}"))
    return items
