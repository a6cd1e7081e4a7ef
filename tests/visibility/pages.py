"""Which pages show pupil data, who may open them, and what each is meant to show.

Who may open a page is read from the view (`org_view(capability, kinds=...)`); what a role may
read on it from tenancy.visibility; for a provider also what the school shared (`ceiling`).
"""

from __future__ import annotations

from django.urls import resolve, reverse

from placements.models.choices import PROVIDER_DETAIL_STATES, State
from placements.referral_sections import shared_keys
from tenancy.roles import ROLE_KINDS, role_has
from tenancy.roles import OrganisationKind as K
from tenancy.visibility import PROVIDER_AFTER_END, Access, access
from tenancy.visibility import DataGroup as G

ALL_GROUPS = frozenset(G)

# page -> which object it is opened for ("placement", "pupil" or None)
PAGES: dict[str, str | None] = {
    "dashboard": None,
    "placements:pupil_list": None,
    "placements:pupil_detail": "pupil",
    "placements:placement_list": None,
    "placements:placement_detail": "placement",
    "placements:referral_detail": "placement",
    "placements:referral_pdf": "placement",
    "placements:agreement_detail": "placement",
    "placements:agreement_pdf": "placement",
    "oversight:area_list": None,
    "oversight:placement_record": "placement",
    "oversight:placement_record_pdf": "placement",
    "oversight:pupil_record": "pupil",
    "oversight:pupil_record_pdf": "pupil",
}

_REFERRAL_GROUPS = {G.IDENTITY, G.PARENTS, G.EDUCATION, G.ATTENDANCE, G.ACCESS_ARRANGEMENTS, G.REFERRAL_REASON,
                    G.SEN, G.MEDICAL, G.SAFEGUARDING, G.MENTAL_HEALTH, G.EQUALITY}
_AGREEMENT_GROUPS = {G.IDENTITY, G.EDUCATION, G.REFERRAL_REASON, G.SEN, G.MENTAL_HEALTH, G.SAFEGUARDING,
                     G.ACCESS_ARRANGEMENTS}
# (page -> groups it is meant to show to a reader who may read them): at least one sentinel of the
# group must be on the page for such a reader.
SHOWS: dict[str, set[str]] = {
    "placements:pupil_list": {G.IDENTITY},
    "placements:pupil_detail": {G.IDENTITY, G.PARENTS, G.SEN, G.MEDICAL, G.SAFEGUARDING, G.MENTAL_HEALTH,
                                G.EQUALITY, G.ACCESS_ARRANGEMENTS},
    "placements:placement_list": {G.IDENTITY},
    "placements:placement_detail": {G.IDENTITY},
    "placements:referral_detail": _REFERRAL_GROUPS,
    "placements:referral_pdf": _REFERRAL_GROUPS,
    "placements:agreement_detail": _AGREEMENT_GROUPS,
    "placements:agreement_pdf": _AGREEMENT_GROUPS,
    "oversight:area_list": {G.IDENTITY},
    "oversight:placement_record": {G.IDENTITY},
    "oversight:placement_record_pdf": {G.IDENTITY},
    "oversight:pupil_record": {G.IDENTITY},
    "oversight:pupil_record_pdf": {G.IDENTITY},
}
# HTML pages that tell a reader with HELD access that the DSL holds information, with
# `data-held-group="<group>"` (templates/placements/_held.html), for the groups they show.
HELD_NOTICE_PAGES = {"placements:pupil_detail", "placements:referral_detail"}

# Which referral sections carry which groups (a provider reads a group only if the school shared
# a section it comes from). Always-shared sections are included by referral_sections.shared_keys().
SECTION_GROUPS: dict[str, set[str]] = {
    "pupil": {G.IDENTITY, G.EDUCATION}, "reason": {G.REFERRAL_REASON, G.ATTENDANCE}, "contacts": {G.IDENTITY},
    "parents": {G.PARENTS}, "transport": {G.IDENTITY, G.PARENTS}, "welfare": {G.SAFEGUARDING},
    "sen_health": {G.SEN, G.MEDICAL, G.MENTAL_HEALTH, G.ACCESS_ARRANGEMENTS},
    "safeguarding": {G.SAFEGUARDING}, "risk": {G.SAFEGUARDING}, "academic": {G.EDUCATION},
    "about": {G.EDUCATION}, "behaviour": {G.EDUCATION}, "equality": {G.EQUALITY},
}


def provider_ceiling(placement, referral) -> frozenset[str]:
    """What a provider may read about this placement at most (the visibility table's ceiling)."""
    if placement.state == State.DECLINED or placement.state not in PROVIDER_DETAIL_STATES:
        return frozenset()
    if placement.state == State.ENDED:
        return PROVIDER_AFTER_END
    groups = {G.COSTS}
    for key in shared_keys(referral):
        groups |= SECTION_GROUPS[key]
    return frozenset(groups)


def readable(role: str, kind: str, ceiling: frozenset[str]) -> tuple[set[str], set[str]]:
    """(groups the member reads, groups they are told are held)."""
    cap = ceiling if kind == K.PROVIDER else ALL_GROUPS
    full = {g for g in G if access(role, g) == Access.FULL and g in cap}
    held = {g for g in G if access(role, g) == Access.HELD and g in cap}
    return full, held


def view_of(name: str):
    needs = PAGES.get(name)
    kwargs = {"org": "x", **({"pk": 1} if needs else {})}
    return resolve(reverse(name, kwargs=kwargs)).func


def openers(name: str) -> list[tuple[str, str]]:
    """(kind, role) of every member who may open the page."""
    view = view_of(name)
    kinds = view.allowed_kinds or (K.SCHOOL, K.PROVIDER, K.LOCAL_AUTHORITY, K.TRUST)
    return [(kind, role) for kind in kinds for role in sorted(ROLE_KINDS[kind])
            if role_has(role, view.required_capability)]
