"""The overdue-visit ladder on the one escalation engine (escalation.ladders), registered in
MonitoringConfig.ready().

"visit_overdue": target a VisitWindow (one placement, one half-term window) that needs a visit;
organisation the school. Started by the daily job when the window is current
(services.visit_windows_open); stopped when a submitted visit meets it (services.visit_save).
Anchors (monitoring.rules.ladder_anchors, 07:00 in England, in the school's days):

    1. "reminder" (10 school days before the window's last school day) → the visit owner;
    2. "overdue"  (the window's last school day) → the visit owner and the AP lead;
    3. "head"     (the 5th school day of the next window) → the headteacher.

The visit owner is the placement's named owner (VisitPlan), else the agreement's school lead; with
neither, the AP lead. A window no longer needing a visit (met, or the placement left AP) tells
nobody. Messages name the provider, never the pupil (emails leave the service).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.urls import reverse

from escalation.ladders import Ladder, Message, Step, StepContext
from placements.models import IN_AP_STATES
from tenancy.roles import ROLE_KINDS, Capability, OrganisationKind, Role, role_has

from .models import VisitPlan, VisitWindow

VISIT_OVERDUE = "visit_overdue"
VISITING_ROLES = tuple(sorted(r for r in ROLE_KINDS[OrganisationKind.SCHOOL] if role_has(r, Capability.RECORD_VISITS)))


@dataclass
class WindowFacts:
    window: VisitWindow
    owner_id: int | None


def owner_ids(placements) -> dict[int, int | None]:
    """Placement pk -> its visit owner's user id (the named owner, else the agreement's school lead;
    None with neither) for placements loaded with their current agreement: one query (sweep, no scope)."""
    placements = list(placements)
    named = dict(VisitPlan._base_manager.filter(placement_id__in=[p.pk for p in placements], owner__isnull=False)
                 .values_list("placement_id", "owner_id"))
    return {p.pk: named.get(p.pk) or (p.current_agreement.school_lead_id if p.current_agreement is not None else None)
            for p in placements}


def load_windows(ids: list[int]) -> Mapping[int, WindowFacts]:
    """The batch's windows with placement, agreement, provider and visit owner: two queries."""
    windows = (VisitWindow._base_manager.select_related("placement", "placement__current_agreement", "provider")
               .in_bulk(ids))
    owners = owner_ids(w.placement for w in windows.values())
    return {pk: WindowFacts(window, owners[window.placement_id]) for pk, window in windows.items()}


def _needed(ctx: StepContext) -> bool:
    facts: WindowFacts | None = ctx.target
    return (facts is not None and facts.window.met_at is None and facts.window.required > 0
            and facts.window.placement.state in IN_AP_STATES)


def _owner(ctx: StepContext) -> list[tuple]:
    if ctx.target.owner_id is None:
        return [(ctx.organisation, [Role.AP_LEAD])]
    return [(ctx.organisation, VISITING_ROLES, [ctx.target.owner_id])]


def visit_owner(ctx: StepContext):
    return _owner(ctx) if _needed(ctx) else []


def owner_and_ap_lead(ctx: StepContext):
    return [*_owner(ctx), (ctx.organisation, [Role.AP_LEAD])] if _needed(ctx) else []


def headteacher(ctx: StepContext):
    return [(ctx.organisation, [Role.HEADTEACHER])] if _needed(ctx) else []


SUBJECTS = {1: "A half-termly visit is due soon", 2: "A half-termly visit is overdue",
            3: "A half-termly visit is still overdue"}


def visit_message(ctx: StepContext) -> Message:
    subject = SUBJECTS[ctx.level]
    facts: WindowFacts | None = ctx.target
    if facts is None:
        return Message(subject=subject, body=f"{subject}. Sign in to see which.")
    window = facts.window
    where = f"1 placement at {window.provider.name}"
    if ctx.level == 1:
        body = (f"{subject}: {where} has no visit recorded this half term, which ends on "
                f"{window.end:%-d %B %Y}. Sign in to see who, and record the visit.")
    else:
        body = (f"{subject}: {where} had no visit in the half term that ended on {window.end:%-d %B %Y}. "
                "Sign in to see who, and record the visit.")
    link = reverse("monitoring:placement_monitoring", kwargs={"org": ctx.organisation.slug, "pk": window.placement_id})
    return Message(subject=subject, body=body, link=link)


VISIT_OVERDUE_LADDER = Ladder(
    name=VISIT_OVERDUE,
    steps=(
        Step(recipients=visit_owner, topic="visit_overdue", anchor="reminder"),
        Step(recipients=owner_and_ap_lead, topic="visit_overdue", anchor="overdue"),
        Step(recipients=headteacher, topic="visit_overdue", anchor="head"),
    ),
    message=visit_message,
    load_targets=load_windows,
)


def register_ladders() -> None:
    from escalation import ladders

    ladders.register(VISIT_OVERDUE_LADDER)
