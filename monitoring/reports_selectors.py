"""Reads for termly reports and weekly behaviour updates, through the caller's scope (tenancy.scoping):
a school reads its own placements' reports, a provider the reports it owes; trusts and LAs none.

What a school member reads of a report comes from the visibility table (tenancy.visibility, through
placements.selectors.placement_reader): the attendance figure and commentary need "attendance";
everything else (punctuality, attitude, behaviour, progress, targets) needs "education". The
provider that wrote the report reads all of it. A school reads a report once it is submitted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from placements import selectors as placement_selectors
from placements.models import IN_AP_STATES, Placement, Target
from tenancy.roles import OrganisationKind as K
from tenancy.visibility import DataGroup

from . import reports_rules as rules
from .models import (
    REPORT_OPEN_STATES,
    REPORT_SENT_STATES,
    BehaviourUpdate,
    ReportState,
    TermlyReport,
)
from .reports_services import BEHAVIOUR_STATES
from .selectors import answer, percent, person

ATTENTION_DAYS = 14  # a provider's dashboard lists a report to write from this many days before it is due


def report_get(pk: int) -> TermlyReport:
    return TermlyReport.objects.select_related("placement", "school", "provider", "submitted_by",
                                               "acknowledged_by").get(pk=pk)


def readable(report: TermlyReport, membership) -> bool:
    """A school reads a report once submitted; the provider reads its own drafts too."""
    return membership.organisation.kind == K.PROVIDER or report.state in REPORT_SENT_STATES


def placement_reports(placement: Placement, membership) -> list[TermlyReport]:
    reports = TermlyReport.objects.filter(placement=placement).order_by("-term_start")
    if membership.organisation.kind != K.PROVIDER:
        reports = reports.filter(state__in=REPORT_SENT_STATES)
    return list(reports)


def reads_education(placement: Placement, membership) -> bool:
    """The provider reads what it wrote; a school member needs the "education" group."""
    return (membership.organisation.kind == K.PROVIDER
            or placement_selectors.placement_reader(placement, membership).can(DataGroup.EDUCATION))


def placement_behaviour_updates(placement: Placement, membership) -> list[BehaviourUpdate]:
    if not reads_education(placement, membership):
        return []
    return list(BehaviourUpdate.objects.filter(placement=placement))


def targets_in_force(placement: Placement) -> list[str]:
    """The targets of the placement's agreement in force (its current agreed version)."""
    if placement.current_agreement_id is None:
        return []
    return list(Target.objects.filter(agreement_id=placement.current_agreement_id).values_list("target", flat=True))


def owes_behaviour_update(placement: Placement) -> bool:
    return placement.state in BEHAVIOUR_STATES


@dataclass
class ReportView:
    """A report as this member may read it: (label, value) rows and the targets' progress."""

    report: TermlyReport
    rows: list[tuple[str, str]] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)


def report_view(report: TermlyReport, placement: Placement, membership) -> ReportView:
    provider_side = membership.organisation.kind == K.PROVIDER
    reader = placement_selectors.placement_reader(placement, membership)
    rows = [("Term", f"{rules.term_label(report.term_start)} ({report.term_start:%-d %B %Y} to "
                     f"{report.term_end:%-d %B %Y})"),
            ("Due by", f"{report.due_on:%-d %B %Y}")]
    if report.submitted_at:
        rows.append(("Completed by", person(report.submitted_by)))
    attendance = [("Attendance this term", percent(report.attendance_percent)),
                  ("Commentary on attendance", answer(report.attendance_commentary))]
    education = [("Punctuality", answer(report.punctuality)), ("Attitude to learning", answer(report.attitude)),
                 ("Engagement", answer(report.engagement)), ("Behaviour", answer(report.behaviour)),
                 ("Skills covered this term", answer(report.skills_covered)),
                 ("Progress towards the qualification", answer(report.qualification_progress)),
                 ("Targets for next term", answer(report.next_targets)),
                 ("Any other comments", answer(report.other_comments))]
    if provider_side or reader.can(DataGroup.ATTENDANCE):
        rows.extend(attendance)
    reads_education = provider_side or reader.can(DataGroup.EDUCATION)
    if reads_education:
        rows.extend(education)
    return ReportView(report, rows, list(report.target_progress) if reads_education else [])


# --- Dashboards ------------------------------------------------------------------------------------

def to_acknowledge():
    """Submitted reports the school has not acknowledged, oldest first (one query)."""
    return (TermlyReport.objects.filter(state=ReportState.SUBMITTED)
            .select_related("placement__pupil", "placement__school", "provider")
            .order_by("submitted_at", "pk"))


def to_write(*, today: dt.date):
    """Reports the provider still owes on placements in AP, due within ATTENTION_DAYS or overdue."""
    return (TermlyReport.objects.filter(state__in=REPORT_OPEN_STATES, placement__state__in=IN_AP_STATES,
                                        due_on__lte=today + dt.timedelta(days=ATTENTION_DAYS))
            .select_related("placement__pupil", "placement__school", "school")
            .order_by("due_on", "pk"))


def behaviour_updates_owed(*, today: dt.date):
    """Placements in emergency review with no behaviour update this week (the provider's list)."""
    sent = BehaviourUpdate.objects.filter(week_start=rules.week_start(today)).values("placement_id")
    return (Placement.objects.filter(state__in=BEHAVIOUR_STATES).exclude(pk__in=sent)
            .select_related("pupil", "school").order_by("pk"))
