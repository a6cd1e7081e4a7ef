"""The "review_overdue" ladder on the one escalation engine (escalation.ladders), registered in
MonitoringConfig.ready().

Target: the placement; organisation the school. Started by the daily job for the agreement's first
review date, and afresh from each submitted meeting's next review date (monitoring.reviews).
Anchors (monitoring.reviews.review_anchors, 07:00 in England, in the school's days):

    1. "reminder" (3 school days before the next review date) → the visit owner;
    2. "overdue"  (the school day after it) → the visit owner and the AP lead;
    3. "head"     (5 school days later) → the headteacher.

The visit owner is the placement's named owner (VisitPlan), else the agreement's school lead; with
neither, the AP lead. A placement no longer in AP tells nobody. Messages name the provider, never
the pupil (emails leave the service).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from escalation.ladders import StepContext
from placements.models import IN_AP_STATES, Placement

from .ladders import owner_ids, owner_ladder, placement_message
from .review_models import ReviewMeeting, ReviewState
from .reviews import REVIEW_OVERDUE


@dataclass
class ReviewFacts:
    placement: Placement
    due_on: dt.date | None  # the next review date: the last meeting's, else the agreement's first
    owner_id: int | None


def load_placements(ids: list[int]) -> Mapping[int, ReviewFacts]:
    """The batch's placements with agreement, provider, next review date and visit owner: two queries."""
    last = (ReviewMeeting._base_manager.filter(placement=OuterRef("pk"), state=ReviewState.SUBMITTED)
            .order_by("-submitted_at", "-pk").values("next_review_on")[:1])
    placements = (Placement._base_manager.select_related("current_agreement", "provider")
                  .annotate(next_review=Subquery(last)).in_bulk(ids))
    owners = owner_ids(placements.values())
    return {pk: ReviewFacts(p, p.next_review or (p.current_agreement.review_date if p.current_agreement else None),
                            owners[pk]) for pk, p in placements.items()}


def _in_ap(ctx: StepContext) -> bool:
    facts: ReviewFacts | None = ctx.target
    return facts is not None and facts.placement.state in IN_AP_STATES


SUBJECTS = {1: "A review meeting is due soon", 2: "A review meeting is overdue",
            3: "A review meeting is still overdue"}


def _review_body(ctx: StepContext, subject: str) -> tuple[str, int]:
    facts: ReviewFacts = ctx.target
    when = f"{facts.due_on:%-d %B %Y}" if facts.due_on else "its review date"
    where = f"1 placement at {facts.placement.provider.name}"
    if ctx.level == 1:
        body = f"{subject}: {where} has its next review meeting on {when}. Sign in to see who, and record it."
    else:
        body = (f"{subject}: {where} was due its review meeting on {when} and none has been recorded. "
                "Sign in to see who, and record the meeting.")
    return body, facts.placement.pk


# The visit owner, as the visit ladder names them, while the placement is in AP.
REVIEW_OVERDUE_LADDER = owner_ladder(REVIEW_OVERDUE, needed=_in_ap, message=placement_message(SUBJECTS, _review_body),
                                     load_targets=load_placements)


def register_review_ladder() -> None:
    from escalation import ladders

    ladders.register(REVIEW_OVERDUE_LADDER)
