"""Notifications' dashboard panel: unread messages, a link to the inbox."""

from __future__ import annotations

from apcommission.dashboards import Attention, Panel, PanelResult, Viewer, register
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from .selectors import unread_count


@register
class InboxPanel(Panel):
    key = "notifications"
    order = 90
    kinds = frozenset(K.values)
    capabilities = frozenset({C.VIEW_DASHBOARD})

    def build(self, viewer: Viewer) -> PanelResult | None:
        unread = unread_count(viewer.membership.user_id)
        url = viewer.link("notifications:inbox")
        if not unread or not url:
            return None
        return PanelResult(title="Notifications", attention=[
            Attention(f"Read {unread} unread notification{'s' if unread != 1 else ''}", url)])
