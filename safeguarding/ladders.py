"""The emergency-review-overdue ladder on the one escalation engine (escalation.ladders), registered
in SafeguardingConfig.ready().

"emergency_review_overdue": target an EmergencyReview; organisation the school, other the provider.
Started when the review opens (services._maybe_open_review), stopped when the school closes it
(services.review_close) or ceases the placement (services.placement_cease). Anchors
(services.review_ladder_anchors, 07:00 in England):

    1. "due"  (the review's due date) → the school's AP lead: the review is due today and still open;
    2. "head" (the 3rd school day after the due date, in the school's calendar) → the headteacher.

A review closed since, or a placement no longer in AP, tells nobody (a belt to the resolve's
braces). Messages name the provider, never the pupil (emails leave the service).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.urls import reverse

from escalation.ladders import Ladder, Message, Step, StepContext
from placements.models import IN_AP_STATES
from tenancy.roles import Role

from .models import EmergencyReview

EMERGENCY_REVIEW_OVERDUE = "emergency_review_overdue"


def load_reviews(ids: list[int]) -> Mapping[int, EmergencyReview]:
    """The batch's reviews with their placement and provider: one query (the sweep has no scope)."""
    return EmergencyReview._base_manager.select_related("placement", "placement__provider").in_bulk(ids)


def _still_open(ctx: StepContext) -> bool:
    review: EmergencyReview | None = ctx.target
    return review is not None and review.closed_at is None and review.placement.state in IN_AP_STATES


def ap_lead(ctx: StepContext):
    return [(ctx.organisation, [Role.AP_LEAD])] if _still_open(ctx) else []


def headteacher(ctx: StepContext):
    return [(ctx.organisation, [Role.HEADTEACHER])] if _still_open(ctx) else []


SUBJECTS = {1: "An emergency review is due today", 2: "An emergency review is overdue"}


def review_message(ctx: StepContext) -> Message:
    subject = SUBJECTS[ctx.level]
    review: EmergencyReview | None = ctx.target
    if review is None:
        return Message(subject=subject, body=f"{subject}. Sign in to see which.")
    where = f"a placement at {review.placement.provider.name}"
    body = (f"The emergency review of {where} was due by {review.due_on:%-d %B %Y} and is still open. "
            "Hold the review with the provider, the pupil and their parents or carers, then close it with its "
            "targets and outcome.")
    link = reverse("safeguarding:review_detail", kwargs={"org": ctx.organisation.slug, "pk": review.pk})
    return Message(subject=subject, body=body, link=link)


EMERGENCY_REVIEW_LADDER = Ladder(
    name=EMERGENCY_REVIEW_OVERDUE,
    steps=(
        Step(recipients=ap_lead, topic="emergency_review_overdue", anchor="due"),
        Step(recipients=headteacher, topic="emergency_review_overdue", anchor="head", urgent=True),
    ),
    message=review_message,
    load_targets=load_reviews,
)


def register_ladders() -> None:
    from escalation import ladders

    ladders.register(EMERGENCY_REVIEW_LADDER)
