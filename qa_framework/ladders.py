"""QA ladders on the one escalation engine (escalation.ladders), registered in QaFrameworkConfig.ready().

"qa_next_visit": target an ApprovalDecision with a `next_visit_due` (approved: a year later;
approved with conditions: 6 months; see qa_framework.approval); organisation the LA, other the
provider. Steps at REMINDER_TIME in England:

    1. "reminder": REMINDER_DAYS_BEFORE (30) days before next_visit_due → the LA's QA officers:
       "A QA visit is due soon";
    2. "due": on next_visit_due → the LA's QA officers: "A QA visit is due today";
    3. "overdue": OVERDUE_AFTER_DAYS (14) days after → the LA's AP officers (and QA officers):
       "A QA visit is overdue";
    4. "lapse": LAPSE_AFTER_DAYS (30) days after → approval LAPSES: the step's action (`lapse`,
       the engine's Step.action, run in the sweep's transaction with the level and this step's
       notifications: together or not at all) records a LAPSED decision
       (approval.lapse_if_still_overdue) and the LA's QA and AP officers are told; schools with
       placements there are told by the decision service.

Started by approval.record_decision; stopped by a later decision or by the LA creating the next
QA visit for the provider (approval.visit_scheduled, from a post_save signal). A sweep after
downtime takes only the level the clock demands (the engine), and each level once.

"qa_action_overdue": target an ImprovementAction (a row of a QA visit's improvement plan);
organisation the visit's owner (the LA, or a school for its termly QA). Started when the row is
added, restarted when its date changes, stopped when the owner closes it
(qa_framework.services). Anchors (`action_anchors`, 07:00 in England):

    1. "overdue"  (the day after "by when")                     → the officer who ran the visit
       (its owner_representative, among the roles that run QA visits), else every such role
       (the LA's QA officers; a school's headteacher and AP lead);
    2. "escalate" (5 working days later: weekdays that are not bank holidays in England)
                                                                → the LA's QA officers and AP officers
                                                                  (a school's headteacher and AP lead).

A closed row tells nobody. Messages name the provider and the area, never a pupil.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.urls import reverse

from apcommission.clock import london
from escalation.ladders import Ladder, Message, Step, StepContext
from tenancy.roles import ROLE_KINDS, Capability, OrganisationKind, Role, role_has

from .models import ApprovalDecision, ImprovementAction

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


def lapse(ctx: StepContext) -> None:
    """The last step's action: approval lapses (a decision), unless a later decision or the next
    visit came first (approval.lapse_if_still_overdue)."""
    from .approval import lapse_if_still_overdue

    if ctx.target is not None:
        lapse_if_still_overdue(ctx.target, now=ctx.now)


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
        Step(recipients=qa_and_ap_officers, topic="qa_next_visit", anchor="lapse", action=lapse),
    ),
    message=next_visit_message,
    load_targets=load_decisions,
)


def register_next_visit_ladder() -> None:
    from escalation import ladders

    ladders.register(QA_NEXT_VISIT_LADDER)


# --- Improvement actions ---------------------------------------------------------------------------

QA_ACTION_OVERDUE = "qa_action_overdue"
ESCALATE_WORKING_DAYS = 5

QA_ROLES = {kind: tuple(sorted(r for r in ROLE_KINDS[kind] if role_has(r, Capability.RUN_QA_VISITS)))
            for kind in (OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.SCHOOL)}
SECOND_STEP_ROLES = {OrganisationKind.LOCAL_AUTHORITY: (Role.QA_OFFICER, Role.AP_OFFICER),
                     OrganisationKind.SCHOOL: (Role.HEADTEACHER, Role.AP_LEAD)}


def working_days_after(day: dt.date, count: int) -> dt.date:
    """The `count`th working day after `day` (weekdays that are not bank holidays in England and Wales)."""
    from attendance.calendar import bank_holidays

    holidays = bank_holidays()
    while count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            count -= 1
    return day


def action_anchors(due_on: dt.date) -> dict[str, dt.datetime]:
    overdue = due_on + dt.timedelta(days=1)
    return {"overdue": london(overdue, REMINDER_TIME),
            "escalate": london(working_days_after(overdue, ESCALATE_WORKING_DAYS), REMINDER_TIME)}


def load_actions(ids: list[int]) -> Mapping[int, ImprovementAction]:
    """The batch's rows with their visit and provider: one query (the sweep runs unscoped)."""
    return ImprovementAction._base_manager.select_related("visit", "provider").in_bulk(ids)


def _open(ctx: StepContext) -> bool:
    return ctx.target is not None and ctx.target.done_on is None


def officer(ctx: StepContext):
    if not _open(ctx):
        return []
    roles = QA_ROLES.get(ctx.organisation.kind, ())
    user_id = ctx.target.visit.owner_representative_id
    return [(ctx.organisation, roles, [user_id])] if user_id else [(ctx.organisation, roles)]


def officers_and_ap(ctx: StepContext):
    return [(ctx.organisation, SECOND_STEP_ROLES.get(ctx.organisation.kind, ()))] if _open(ctx) else []


ACTION_SUBJECTS = {1: "An improvement action is overdue", 2: "An improvement action is still overdue"}


def action_message(ctx: StepContext) -> Message:
    subject = ACTION_SUBJECTS[ctx.level]
    action: ImprovementAction | None = ctx.target
    if action is None:
        return Message(subject=subject, body=f"{subject}. Sign in to see which.")
    body = (f"{subject}: “{action.area}” in {action.provider.name}'s improvement plan was due by "
            f"{action.due_on:%-d %B %Y} and is not closed. Sign in to see its progress and evidence, "
            "change its RAG rating or close it.")
    link = reverse("qa_framework:action_edit", kwargs={"org": ctx.organisation.slug, "pk": action.pk})
    return Message(subject=subject, body=body, link=link)


QA_ACTION_OVERDUE_LADDER = Ladder(
    name=QA_ACTION_OVERDUE,
    steps=(
        Step(recipients=officer, topic="qa_action_overdue", anchor="overdue"),
        Step(recipients=officers_and_ap, topic="qa_action_overdue", anchor="escalate"),
    ),
    message=action_message,
    load_targets=load_actions,
)


def register_action_overdue_ladder() -> None:
    from escalation import ladders

    ladders.register(QA_ACTION_OVERDUE_LADDER)
