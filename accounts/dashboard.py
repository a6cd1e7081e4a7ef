"""The organisation admin's panel: who has access, invitations waiting, and inviting someone."""

from __future__ import annotations

from apcommission import clock
from apcommission.dashboards import Attention, Figure, Panel, PanelResult, Viewer, register
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from .selectors import people_counts


@register
class PeoplePanel(Panel):
    key = "people"
    order = 80
    kinds = frozenset(K.values)
    capabilities = frozenset({C.MANAGE_MEMBERS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        url = viewer.link("accounts:member_list")
        if not url:
            return None
        counts = people_counts(now=clock.now())
        result = PanelResult(title="People", figures=[Figure("People with access", counts["active"], url)])
        if counts["pending"]:
            result.attention.append(Attention(
                f"{counts['pending']} invitation{'s' if counts['pending'] != 1 else ''} not yet accepted", url))
        invite = viewer.link("accounts:member_invite")
        if invite:
            result.actions.append(Attention("Invite someone", invite))
        return result
