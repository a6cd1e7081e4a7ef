"""The termly report ladder on the one escalation engine (escalation.ladders), registered in
MonitoringConfig.ready().

"termly_report_due": target a TermlyReport still to write; organisation the PROVIDER (who owes
it), other organisation the school. Started by the daily job when the term is current
(reports_services.termly_reports_open); stopped when the report is submitted
(reports_services.report_save). Anchors (reports_rules.ladder_anchors, 07:00 in England):

    1. "reminder" (5 school days before the due date) → the provider's report writers;
    2. "overdue"  (the day after the due date)        → the provider's report writers;
    3. "escalate" (5 school days after the due date)  → the provider's managers and the school's AP lead.

A report already submitted, or a placement no longer in AP, tells nobody. Messages name the
provider and the school, never the pupil (emails leave the service).
"""

from __future__ import annotations

from django.urls import reverse

from escalation.ladders import Ladder, Message, Step, StepContext
from placements.models import IN_AP_STATES
from tenancy.roles import ROLE_KINDS, Capability, OrganisationKind, Role, role_has

from .models import REPORT_OPEN_STATES, TermlyReport

TERMLY_REPORT_DUE = "termly_report_due"
WRITER_ROLES = tuple(sorted(r for r in ROLE_KINDS[OrganisationKind.PROVIDER]
                            if role_has(r, Capability.WRITE_PROVIDER_REPORTS)))


def load_reports(ids: list[int]):
    """The batch's reports with placement, school and provider: one query."""
    return TermlyReport._base_manager.select_related("placement", "school", "provider").in_bulk(ids)


def _needed(ctx: StepContext) -> bool:
    report: TermlyReport | None = ctx.target
    return report is not None and report.state in REPORT_OPEN_STATES and report.placement.state in IN_AP_STATES


def writers(ctx: StepContext):
    return [(ctx.organisation, WRITER_ROLES)] if _needed(ctx) else []


def managers_and_ap_lead(ctx: StepContext):
    if not _needed(ctx):
        return []
    return [(ctx.organisation, [Role.PROVIDER_MANAGER]), (ctx.other_organisation, [Role.AP_LEAD])]


SUBJECTS = {1: "A termly report is due soon", 2: "A termly report is overdue", 3: "A termly report is still overdue"}


def report_message(ctx: StepContext) -> Message:
    subject = SUBJECTS[ctx.level]
    report: TermlyReport | None = ctx.target
    if report is None:
        return Message(subject=subject, body=f"{subject}. Sign in to see which.")
    reader = ctx.recipient or ctx.organisation
    when = f"{report.due_on:%-d %B %Y}"
    if reader.kind == OrganisationKind.PROVIDER:
        body = (f"{subject}: the termly report on 1 placement from {report.school.name} "
                f"{'is due by' if ctx.level == 1 else 'was due by'} {when}. Sign in to see who, and write it.")
        link = reverse("monitoring:report_edit", kwargs={"org": reader.slug, "pk": report.pk})
    else:
        body = (f"{subject}: {report.provider.name} has not sent the termly report on 1 placement, due by "
                f"{when}. Sign in to see who.")
        link = reverse("monitoring:report_list", kwargs={"org": reader.slug, "pk": report.placement_id})
    return Message(subject=subject, body=body, link=link)


TERMLY_REPORT_LADDER = Ladder(
    name=TERMLY_REPORT_DUE,
    steps=(
        Step(recipients=writers, topic="termly_report_due", anchor="reminder"),
        Step(recipients=writers, topic="termly_report_due", anchor="overdue"),
        Step(recipients=managers_and_ap_lead, topic="termly_report_due", anchor="escalate"),
    ),
    message=report_message,
    load_targets=load_reports,
    message_per_recipient=True,
)


def register_ladders() -> None:
    from escalation import ladders

    ladders.register(TERMLY_REPORT_LADDER)
