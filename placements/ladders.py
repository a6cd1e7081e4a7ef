"""The initial-assessment ladder on the one escalation engine (escalation.ladders), registered in
PlacementsConfig.ready().

"initial_assessment": target a Placement; organisation the school, other the provider. Started
when the provider accepts (services.provider_respond), stopped when the assessment is recorded
(services.initial_assessment_record) or the placement ends (services.placement_end).

    1. at "due_soon" (the start, in England, of the day APC_INITIAL_ASSESSMENT_REMINDER_DAYS
       before the due date) → the provider's managers: "An initial assessment is due soon";
    2. at "overdue" (the start, in England, of the day after the due date) → the provider's
       managers: "An initial assessment is overdue".
(anchors: rules.initial_assessment_reminder_times)

A sweep that runs late (after the due date) sends only "overdue". Messages name the school, never
the pupil (emails leave the service).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.urls import reverse

from escalation.ladders import Ladder, Message, Step, StepContext
from tenancy.roles import Role

from . import conf
from .models import Placement, State

INITIAL_ASSESSMENT = "initial_assessment"
# The states in which an accepted placement still owes its initial assessment (services.AGREEMENT_STATES).
OWING_STATES = (State.ACCEPTED, State.AGREED, State.ACTIVE, State.EMERGENCY_REVIEW, State.SUSPENDED)


def load_placements(ids: list[int]) -> Mapping[int, Placement]:
    """The batch's placements with their school and provider (one query; the sweep has no scope)."""
    return Placement._base_manager.select_related("school", "provider").in_bulk(ids)


def _still_owed(placement: Placement | None) -> bool:
    return (placement is not None and placement.state in OWING_STATES
            and placement.initial_assessment_done_on is None and placement.initial_assessment_due is not None)


def provider_managers(ctx: StepContext):
    """The provider's managers, while the assessment is still owed (a belt to the resolve's braces)."""
    if not _still_owed(ctx.target) or ctx.other_organisation is None:
        return []
    return [(ctx.other_organisation, [Role.PROVIDER_MANAGER])]


def initial_assessment_message(ctx: StepContext) -> Message:
    subject = "An initial assessment is overdue" if ctx.level == 2 else "An initial assessment is due soon"
    placement: Placement | None = ctx.target
    provider = ctx.other_organisation
    if placement is None or provider is None:  # gone since it started: nobody is told (provider_managers)
        return Message(subject=subject, body=f"{subject}. Sign in to see which.")
    days = int(conf.get("APC_INITIAL_ASSESSMENT_DAYS"))
    return Message(
        subject=subject,
        body=f"Assess the needs of the pupil referred by {placement.school.name} by "
             f"{placement.initial_assessment_due:%-d %B %Y} (within {days} days of accepting).",
        link=reverse("placements:placement_detail", kwargs={"org": provider.slug, "pk": placement.pk}),
    )


INITIAL_ASSESSMENT_LADDER = Ladder(
    name=INITIAL_ASSESSMENT,
    steps=(
        Step(recipients=provider_managers, topic="initial_assessment", anchor="due_soon"),
        Step(recipients=provider_managers, topic="initial_assessment", anchor="overdue"),
    ),
    message=initial_assessment_message,
    load_targets=load_placements,
)


def register_ladders() -> None:
    from escalation import ladders

    ladders.register(INITIAL_ASSESSMENT_LADDER)
