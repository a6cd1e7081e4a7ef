"""`{% placement_timeline placement %}`: the placement page's one timeline (monitoring.timeline).

A template tag, so the placements app does not import this one (dependencies run one way)."""

from __future__ import annotations

from django import template

from ..timeline import placement_timeline as gather

register = template.Library()

# What each kind of entry is called on the page; a kind another app registers without a label here
# is shown from its name ("formal_review" → "Formal review").
KIND_LABELS = {
    "placement": "Placement",
    "visit": "Visit",
    "visit_window": "Visit",
    "visit_action": "Action",
    "review": "Review meeting",
    "report": "Termly report",
    "incident": "Incident",
    "emergency_review": "Emergency review",
    "concern": "Safeguarding",
    "formal_review": "Formal review",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind) or kind.replace("_", " ").capitalize()


@register.inclusion_tag("placements/_timeline.html", takes_context=True)
def placement_timeline(context, placement):
    membership = getattr(context.get("request"), "membership", None)
    entries = gather(placement, membership) if membership is not None else []
    return {"entries": [(entry, kind_label(entry.kind)) for entry in entries]}
