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

from collections.abc import Callable, Mapping
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


def owner_ladder(name: str, *, needed: Callable[[StepContext], bool], message: Callable[[StepContext], Message],
                 load_targets) -> Ladder:
    """The visit owner's ladder (this one and monitoring.review_ladder's), `name` also its steps' topic:
    "reminder" → the visit owner; "overdue" → the visit owner and the AP lead; "head" → the
    headteacher. A step tells nobody once `needed(ctx)` is false. ctx.target has `owner_id`."""
    def unless_done(recipients):
        return lambda ctx: recipients(ctx) if needed(ctx) else []

    return Ladder(
        name=name,
        steps=(
            Step(recipients=unless_done(_owner), topic=name, anchor="reminder"),
            Step(recipients=unless_done(lambda ctx: [*_owner(ctx), (ctx.organisation, [Role.AP_LEAD])]),
                 topic=name, anchor="overdue"),
            Step(recipients=unless_done(lambda ctx: [(ctx.organisation, [Role.HEADTEACHER])]), topic=name,
                 anchor="head"),
        ),
        message=message,
        load_targets=load_targets,
    )


def placement_message(subjects: Mapping[int, str], body: Callable[[StepContext, str], tuple[str, int]]):
    """A ladder's message function: the subject for the level; with no target only "sign in"; else
    `body(ctx, subject)` → (text, placement pk), linked to the placement's monitoring page."""
    def message(ctx: StepContext) -> Message:
        subject = subjects[ctx.level]
        if ctx.target is None:
            return Message(subject=subject, body=f"{subject}. Sign in to see which.")
        text, placement_pk = body(ctx, subject)
        link = reverse("monitoring:placement_monitoring", kwargs={"org": ctx.organisation.slug, "pk": placement_pk})
        return Message(subject=subject, body=text, link=link)
    return message


SUBJECTS = {1: "A half-termly visit is due soon", 2: "A half-termly visit is overdue",
            3: "A half-termly visit is still overdue"}


def _visit_body(ctx: StepContext, subject: str) -> tuple[str, int]:
    window = ctx.target.window
    where = f"1 placement at {window.provider.name}"
    if ctx.level == 1:
        body = (f"{subject}: {where} has no visit recorded this half term, which ends on "
                f"{window.end:%-d %B %Y}. Sign in to see who, and record the visit.")
    else:
        body = (f"{subject}: {where} had no visit in the half term that ended on {window.end:%-d %B %Y}. "
                "Sign in to see who, and record the visit.")
    return body, window.placement_id


VISIT_OVERDUE_LADDER = owner_ladder(VISIT_OVERDUE, needed=_needed, message=placement_message(SUBJECTS, _visit_body),
                                    load_targets=load_windows)


def register_ladders() -> None:
    from escalation import ladders

    ladders.register(VISIT_OVERDUE_LADDER)
