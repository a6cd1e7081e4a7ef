"""Writes: provider termly reports (the daily job, drafts, submission, the school's acknowledgement)
and weekly behaviour updates (issue 12 item 5).

`termly_reports_open` is the daily beat job's work: cross-tenant, state-based and idempotent (a
report row is created once per placement and term; a ladder is started once per report), so it may
run twice or be killed half-way. Everything else runs in the caller's scope from its pages, each in
one transaction (nothing half-saves).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from apcommission.clock import LONDON
from apcommission.errors import Refusal
from attendance import rules as attendance_rules
from attendance.models import ExpectedSession
from escalation.services import Start, escalation_resolve_many, escalation_start_many
from notifications.services import notify
from placements.models import IN_AP_STATES, Placement, State
from tenancy.models import AuditAction
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tenancy.services import audit_record

from . import reports_rules as rules
from .models import REPORT_OPEN_STATES, BehaviourUpdate, ReportState, TermlyReport
from .reports_ladders import TERMLY_REPORT_DUE, WRITER_ROLES
from .rules import MIN_SCHOOL_DAYS, active_days
from .services import DAYS_AFTER_SPAN, placements_in_ap

BEHAVIOUR_STATES = (State.EMERGENCY_REVIEW,)  # a placement in these states owes a weekly behaviour update


def _today(now: dt.datetime) -> dt.date:
    return now.astimezone(LONDON).date()


# --- The daily job ------------------------------------------------------------------------------------

def termly_reports_open(*, now: dt.datetime) -> int:
    """For every placement in AP, a report row for the term of its school's calendar that holds today
    (when it is active for at least MIN_SCHOOL_DAYS of the term's school days) and, while the report
    is still to write, its place on the "termly_report_due" ladder. Cross-tenant (beat). Returns the
    reports offered to the ladder this run."""
    today = _today(now)
    with scopes_disabled(), transaction.atomic():
        placements, calendars = placements_in_ap(today)
        if not placements:
            return 0
        current: dict[int, tuple[rules.Term, list[dt.date]] | None] = {}
        rows = []
        for pk, school, _la, provider, start, ended in placements:
            if school not in current:
                term = rules.term_on(rules.terms_from_rows(calendars.term_rows, school_id=school,
                                                           la_id=calendars.schools[school]), today)
                current[school] = (term, calendars.days(school, term.start, term.end)) if term else None
            if current[school] is None or not current[school][1]:
                continue
            term, days = current[school]
            if active_days(days, start=start, ended=ended) < MIN_SCHOOL_DAYS:
                continue
            rows.append(TermlyReport(placement_id=pk, school_id=school, provider_id=provider, term_start=term.start,
                                     term_end=term.end, due_on=rules.due_date(days), created_at=now))
        TermlyReport.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        open_reports = list(TermlyReport.objects.filter(
            placement_id__in=[row.placement_id for row in rows], term_start__lte=today, term_end__gte=today,
            state__in=REPORT_OPEN_STATES).values_list("pk", "school_id", "provider_id", "term_start", "term_end"))
        anchors: dict[tuple, dict] = {}
        starts = []
        for pk, school, provider, start, end in open_reports:
            key = (school, start)
            if key not in anchors:
                after = calendars.days(school, end + dt.timedelta(days=1), end + DAYS_AFTER_SPAN)
                anchors[key] = rules.ladder_anchors(calendars.days(school, start, end), after)
            starts.append(Start(target_id=pk, organisation_id=provider, other_organisation_id=school,
                                anchors=anchors[key]))
        escalation_start_many(ladder=TERMLY_REPORT_DUE, target_model=TermlyReport, starts=starts, now=now)
    return len(starts)


# --- Writing the report (the provider) ----------------------------------------------------------------

def term_attendance(report: TermlyReport, *, now: dt.datetime) -> Decimal | None:
    """The placement's attendance % this term from its registers (sessions due by now), to pre-fill."""
    counts = ExpectedSession.objects.filter(
        placement_id=report.placement_id, date__range=(report.term_start, report.term_end)).aggregate(
        expected=Count("pk", filter=attendance_rules.expected_q(now)),
        attended=Count("pk", filter=attendance_rules.expected_q(now) & attendance_rules.attended_q()))
    return attendance_rules.percent(counts["attended"], counts["expected"])


RECORD_FIELDS = ("attendance_percent", "attendance_commentary", "punctuality", "attitude", "engagement", "behaviour",
                 "skills_covered", "qualification_progress", "next_targets", "other_comments")
REQUIRED_TO_SUBMIT = {
    "attendance_percent": "Enter the attendance this term",
    "punctuality": "Enter the pupil's punctuality",
    "attitude": "Enter the pupil's attitude to learning",
    "engagement": "Enter the pupil's engagement",
    "behaviour": "Enter the pupil's behaviour",
    "skills_covered": "Enter the skills covered this term",
    "next_targets": "Enter the targets for next term",
}


def _check_submittable(report: TermlyReport) -> None:
    errors = {name: message for name, message in REQUIRED_TO_SUBMIT.items()
              if getattr(report, name) is None or str(getattr(report, name)).strip() == ""}
    if rules.commentary_required(report.attendance_percent) and not report.attendance_commentary.strip():
        errors["attendance_commentary"] = "Enter a commentary on attendance, as it is below 100%"
    for i, row in enumerate(report.target_progress):
        if not str(row.get("progress", "")).strip():
            errors[f"target_{i}"] = f"Enter the progress against target {i + 1}"
    if errors:
        raise ValidationError(errors)


def report_save(*, report: TermlyReport, values: dict, by, organisation, now: dt.datetime,
                submit: bool) -> TermlyReport:
    """Save the provider's report as a draft, or submit it (every required answer given, commentary
    when attendance is below 100 %; its ladder stops and the school's AP lead is told). A submitted
    report does not change."""
    with transaction.atomic():
        report = TermlyReport.objects.select_for_update().get(pk=report.pk)
        if report.sent:
            raise Refusal("This termly report has been submitted and cannot be changed")
        for name in RECORD_FIELDS:
            if name in values:
                value = values[name]
                setattr(report, name, "" if value is None and name != "attendance_percent" else value)
        if "target_progress" in values:
            report.target_progress = [{"target": str(t), "progress": str(p or "")} for t, p in values["target_progress"]]
        report.updated_at, report.drafted_by = now, by
        report.state = ReportState.DRAFT
        if submit:
            _check_submittable(report)
            report.state, report.submitted_at, report.submitted_by = ReportState.SUBMITTED, now, by
        report.save()
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=report,
                     detail="Termly report submitted" if submit else "Termly report saved as a draft")
        if submit:
            escalation_resolve_many(ladder=TERMLY_REPORT_DUE, target_model=TermlyReport, target_ids=[report.pk],
                                    by=by, note="Report submitted", now=now)
            school = report.school
            notify(organisation=school, roles=[Role.AP_LEAD], topic="termly_report_submitted",
                   subject="A termly report has been sent",
                   body=(f"{report.provider.name} has sent the termly report on 1 placement. Sign in to read and "
                         "acknowledge it."),
                   link=reverse("monitoring:report_detail", kwargs={"org": school.slug, "pk": report.pk}),
                   dedupe_key=f"termly_report_submitted:{report.pk}", now=now, target=report)
    return report


# --- The school's acknowledgement --------------------------------------------------------------------

def report_acknowledge(*, report: TermlyReport, comment: str, by, organisation, now: dt.datetime) -> TermlyReport:
    """The school acknowledges a submitted report (who, when, an optional comment); once."""
    with transaction.atomic():
        report = TermlyReport.objects.select_for_update().get(pk=report.pk)
        if report.state == ReportState.ACKNOWLEDGED:
            raise Refusal("This termly report has already been acknowledged")
        if report.state != ReportState.SUBMITTED:
            raise Refusal("The provider has not submitted this termly report yet")
        report.state, report.acknowledged_at, report.acknowledged_by = ReportState.ACKNOWLEDGED, now, by
        report.acknowledgement_comment = comment.strip()
        report.save(update_fields=["state", "acknowledged_at", "acknowledged_by", "acknowledgement_comment"])
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=report,
                     detail="Termly report acknowledged")
    return report


# --- Weekly behaviour updates ------------------------------------------------------------------------

def behaviour_update_add(*, placement: Placement, text: str, by, organisation, now: dt.datetime) -> BehaviourUpdate:
    """The provider's update for this week (one a week per placement)."""
    if placement.state not in IN_AP_STATES:
        raise Refusal("Behaviour updates are sent while the pupil is in the placement")
    if not text.strip():
        raise ValidationError({"text": "Enter the behaviour and attitude this week"})
    week = rules.week_start(_today(now))
    with transaction.atomic():
        update, created = BehaviourUpdate.objects.get_or_create(
            placement=placement, week_start=week,
            defaults={"school_id": placement.school_id, "provider_id": placement.provider_id, "text": text.strip(),
                      "submitted_at": now, "submitted_by": by})
        if not created:
            raise Refusal("This week's behaviour update has already been sent")
        audit_record(organisation=organisation, user=by, action=AuditAction.CREATE, obj=update,
                     detail="Weekly behaviour update")
    return update


def behaviour_updates_ask(*, now: dt.datetime) -> int:
    """Weekly (beat): ask the provider of every placement in emergency review for this week's
    behaviour update, unless it has sent it. Once per placement per week (dedupe key), so re-runs and
    two runs at once ask nobody twice. Cross-tenant. Returns the placements asked."""
    week = rules.week_start(_today(now))
    with scopes_disabled():
        sent = BehaviourUpdate.objects.filter(week_start=week).values("placement_id")
        due = list(Placement.objects.filter(state__in=BEHAVIOUR_STATES).exclude(pk__in=sent)
                   .select_related("provider", "school"))
        for placement in due:
            notify(organisation=placement.provider, roles=WRITER_ROLES, topic="behaviour_update_due",
                   subject="A weekly behaviour update is due",
                   body=(f"1 placement from {placement.school.name} is in emergency review: send a short update on "
                         f"behaviour and attitude for the week beginning {week:%-d %B %Y}. Sign in to see who."),
                   link=reverse("monitoring:behaviour_update_create",
                                kwargs={"org": placement.provider.slug, "pk": placement.pk}),
                   dedupe_key=f"behaviour_update:{placement.pk}:{week.isoformat()}", now=now, target=placement)
    return len(due)
