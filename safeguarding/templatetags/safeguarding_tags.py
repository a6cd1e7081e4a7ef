"""`{% safeguarding_panel placement %}`: the placement page's incidents and safeguarding section.

A template tag, so the placements app does not import this one (dependencies run one way)."""

from __future__ import annotations

from django import template

from apcommission.dashboards import link

from .. import selectors

register = template.Library()


@register.inclusion_tag("safeguarding/_placement_panel.html", takes_context=True)
def safeguarding_panel(context, placement):
    membership = getattr(context.get("request"), "membership", None)
    panel = {}
    if membership is not None:
        incidents_url = link(membership, "safeguarding:incident_list", pk=placement.pk)
        reads = incidents_url is not None and selectors.reads_incidents(placement, membership)
        panel = {
            "incidents_url": incidents_url,
            "formal_url": link(membership, "safeguarding:formal_list", pk=placement.pk)
            if reads and placement.state != "draft" else None,
            "concern_url": link(membership, "safeguarding:concern_create", pk=placement.pk)
            if placement.state != "draft" else None,
            "open_review": selectors.open_review(placement) if reads else None,
            "concerns": selectors.placement_concerns(placement, membership),
        }
    return {"panel": panel, "current_organisation": context.get("current_organisation")}
