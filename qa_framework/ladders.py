"""QA ladders on the one escalation engine (escalation.ladders), registered in QaFrameworkConfig.ready().

"qa_next_visit": target an ApprovalDecision with a `next_visit_due` (approved: a year later;
approved with conditions: 6 months; see qa_framework.approval); organisation the LA, other the
provider. Steps at REMINDER_TIME in England:

    1. "reminder": REMINDER_DAYS_BEFORE (30) days before next_visit_due → the LA's QA officers:
       "A QA visit is due soon";
    2. "due": on next_visit_due → the LA's QA officers: "A QA visit is due today";
    3. "overdue": OVERDUE_AFTER_DAYS (14) days after → the LA's AP officers (and QA officers):
       "A QA visit is overdue";
    4. "lapse": LAPSE_AFTER_DAYS (30) days after → approval LAPSES: a LAPSED decision is recorded
       (approval.lapse_if_still_overdue, inside the sweep's transaction for this step, so the
       level and the decision are written together or not at all) and the LA's QA and AP officers
       are told; schools with placements there are told by the decision service.

Started by approval.record_decision; stopped by a later decision or by the LA creating the next
QA visit for the provider (approval.visit_scheduled, from a post_save signal). A sweep after
downtime takes only the level the clock demands (the engine), and each level once.

"qa_action_overdue" (improvement actions) is qaframe's: a separate ladder in its own function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.urls import reverse

from apcommission.clock import london
from escalation.ladders import Ladder, Message, Step, StepContext
from tenancy.roles import Role

from .models import ApprovalDecision

QA_NEXT_VISIT = "qa_next_visit"
REMINDER_TIME = dt.time(7, 0)


def next_visit_anchors(due: dt.date) -> dict[str, dt.datetime]:
    from .approval import LAPSE_AFTER_DAYS, OVERDUE_AFTER_DAYS, REMINDER_DAYS_BEFORE

    return {
        "reminder": london(due - dt.timedelta(days=REMINDER_DAYS_BEFORE), REMINDER_TIME),
        "due": london(due, REMINDER_TIME),
        "overdue": london(due + dt.timedelta(days=OVERDUE_AFTER_DAYS), REMINDER_TIME),
        "lapse": london(due + dt.timedelta(days=LAPSE_AFTER_DAYS), REMINDER_TIME),
    }


def load_decisions(ids: list[int]) -> Mapping[int, ApprovalDecision]:
    return ApprovalDecision._base_manager.select_related("provider", "local_authority").in_bulk(ids)


def qa_officers(ctx: StepContext):
    return [(ctx.organisation, [Role.QA_OFFICER])] if ctx.target is not None else []


def qa_and_ap_officers(ctx: StepContext):
    return [(ctx.organisation, [Role.QA_OFFICER, Role.AP_OFFICER])] if ctx.target is not None else []


def lapse_then_officers(ctx: StepContext):
    """Approval lapses (a decision), then the officers are told."""
    from .approval import lapse_if_still_overdue

    if ctx.target is None:
        return []
    lapse_if_still_overdue(ctx.target, now=ctx.now)
    return qa_and_ap_officers(ctx)


SUBJECTS = {1: "A QA visit is due soon", 2: "A QA visit is due today", 3: "A QA visit is overdue",
            4: "Approval has lapsed: QA visit overdue"}


def next_visit_message(ctx: StepContext) -> Message:
    subject = SUBJECTS[ctx.level]
    decision: ApprovalDecision | None = ctx.target
    if decision is None or ctx.other_organisation is None:
        return Message(subject=subject, body=f"{subject}. Sign in to see which.")
    due = f"{decision.next_visit_due:%-d %B %Y}"
    body = {
        1: f"The next QA visit to {decision.provider.name} is due by {due}. Schedule it.",
        2: f"The next QA visit to {decision.provider.name} is due today ({due}). Schedule it.",
        3: f"The QA visit to {decision.provider.name} was due by {due} and has not been scheduled.",
        4: f"The QA visit to {decision.provider.name} was due by {due}. Its approval has lapsed: schools "
           "cannot commission new places there until a QA visit approves it again.",
    }[ctx.level]
    link = reverse("qa_framework:approved_list", kwargs={"org": ctx.organisation.slug})
    return Message(subject=f"{subject}: {decision.provider.name}", body=body, link=link)


QA_NEXT_VISIT_LADDER = Ladder(
    name=QA_NEXT_VISIT,
    steps=(
        Step(recipients=qa_officers, topic="qa_next_visit", anchor="reminder"),
        Step(recipients=qa_officers, topic="qa_next_visit", anchor="due"),
        Step(recipients=qa_and_ap_officers, topic="qa_next_visit", anchor="overdue"),
        Step(recipients=lapse_then_officers, topic="qa_next_visit", anchor="lapse"),
    ),
    message=next_visit_message,
    load_targets=load_decisions,
)


def register_next_visit_ladder() -> None:
    from escalation import ladders

    ladders.register(QA_NEXT_VISIT_LADDER)
