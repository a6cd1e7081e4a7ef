"""The "review_overdue" ladder on the one escalation engine (escalation.ladders), registered in
MonitoringConfig.ready().

Target: a submitted ReviewMeeting with a next review date; organisation the school. Started when the
meeting is submitted, stopped when the placement's next meeting is submitted (monitoring.reviews).
Anchors (monitoring.reviews.review_anchors, 07:00 in England, in the school's days):

    1. "reminder" (3 school days before the next review date) → the visit owner;
    2. "overdue"  (the school day after it) → the visit owner and the AP lead;
    3. "head"     (5 school days later) → the headteacher.

The visit owner is the placement's named owner (VisitPlan), else the agreement's school lead; with
neither, the AP lead. A placement no longer in AP tells nobody. Messages name the provider, never
the pupil (emails leave the service).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.urls import reverse

from escalation.ladders import Ladder, Message, Step, StepContext
from placements.models import IN_AP_STATES
from tenancy.roles import Role

from .ladders import _owner, owner_ids
from .review_models import ReviewMeeting
from .reviews import REVIEW_OVERDUE


@dataclass
class MeetingFacts:
    meeting: ReviewMeeting
    owner_id: int | None


def load_meetings(ids: list[int]) -> Mapping[int, MeetingFacts]:
    """The batch's meetings with placement, agreement, provider and visit owner: two queries."""
    meetings = (ReviewMeeting._base_manager.select_related("placement", "placement__current_agreement", "provider")
                .in_bulk(ids))
    owners = owner_ids(m.placement for m in meetings.values())
    return {pk: MeetingFacts(meeting, owners[meeting.placement_id]) for pk, meeting in meetings.items()}


def _while_in_ap(recipients):
    """Tell `recipients(ctx)` only while the meeting's placement is in AP (ctx.target: MeetingFacts)."""
    def step(ctx: StepContext):
        facts: MeetingFacts | None = ctx.target
        return recipients(ctx) if facts is not None and facts.meeting.placement.state in IN_AP_STATES else []
    return step


review_owner = _while_in_ap(_owner)  # the visit owner, as the visit ladder names them
owner_and_ap_lead = _while_in_ap(lambda ctx: [*_owner(ctx), (ctx.organisation, [Role.AP_LEAD])])
headteacher = _while_in_ap(lambda ctx: [(ctx.organisation, [Role.HEADTEACHER])])


SUBJECTS = {1: "A review meeting is due soon", 2: "A review meeting is overdue",
            3: "A review meeting is still overdue"}


def review_message(ctx: StepContext) -> Message:
    subject = SUBJECTS[ctx.level]
    facts: MeetingFacts | None = ctx.target
    if facts is None:
        return Message(subject=subject, body=f"{subject}. Sign in to see which.")
    meeting = facts.meeting
    when = f"{meeting.next_review_on:%-d %B %Y}"
    where = f"1 placement at {meeting.provider.name}"
    if ctx.level == 1:
        body = f"{subject}: {where} has its next review meeting on {when}. Sign in to see who, and record it."
    else:
        body = (f"{subject}: {where} was due its review meeting on {when} and none has been recorded. "
                "Sign in to see who, and record the meeting.")
    link = reverse("monitoring:placement_monitoring", kwargs={"org": ctx.organisation.slug, "pk": meeting.placement_id})
    return Message(subject=subject, body=body, link=link)


REVIEW_OVERDUE_LADDER = Ladder(
    name=REVIEW_OVERDUE,
    steps=(
        Step(recipients=review_owner, topic="review_overdue", anchor="reminder"),
        Step(recipients=owner_and_ap_lead, topic="review_overdue", anchor="overdue"),
        Step(recipients=headteacher, topic="review_overdue", anchor="head"),
    ),
    message=review_message,
    load_targets=load_meetings,
)


def register_review_ladder() -> None:
    from escalation import ladders

    ladders.register(REVIEW_OVERDUE_LADDER)
