"""Termly reports and weekly behaviour updates on the placement's one timeline (monitoring.timeline),
registered in MonitoringConfig.ready(). Two queries for any number of entries, through the reader's
scope: a school sees submitted reports (and behaviour updates when it reads education data), the
provider its own drafts too; trusts and LAs nothing (the rows are out of their scope)."""

from __future__ import annotations

from apcommission.dashboards import link
from tenancy.roles import OrganisationKind as K

from .models import REPORT_SENT_STATES, BehaviourUpdate, ReportState, TermlyReport
from .reports_selectors import reads_education
from .timeline import TimelineEntry, register_source

STATE_COLOURS = {ReportState.DUE: "grey", ReportState.DRAFT: "grey", ReportState.SUBMITTED: "blue",
                 ReportState.ACKNOWLEDGED: "green"}


def report_entries(placement, membership) -> list[TimelineEntry]:
    kind = membership.organisation.kind
    if kind not in (K.SCHOOL, K.PROVIDER):
        return []
    reports = TermlyReport.objects.filter(placement=placement)
    if kind != K.PROVIDER:
        reports = reports.filter(state__in=REPORT_SENT_STATES)
    entries = []
    for report in reports:
        entries.append(TimelineEntry(
            at=report.submitted_at or report.due_on, kind="report", title=f"Termly report: {report.term_name.lower()}",
            state=report.get_state_display(), colour=STATE_COLOURS[report.state],
            url=link(membership, "monitoring:report_detail", pk=report.pk) or ""))
    return entries


def behaviour_update_entries(placement, membership) -> list[TimelineEntry]:
    if membership.organisation.kind not in (K.SCHOOL, K.PROVIDER) or not reads_education(placement, membership):
        return []
    url = link(membership, "monitoring:report_list", pk=placement.pk) or ""
    return [TimelineEntry(at=update.submitted_at, kind="behaviour_update",
                          title=f"Weekly behaviour update (week beginning {update.week_start:%-d %B %Y})",
                          state="Sent", colour="blue", url=url)
            for update in BehaviourUpdate.objects.filter(placement=placement)]


def register_sources() -> None:
    register_source("termly_report", report_entries)
    register_source("behaviour_update", behaviour_update_entries)
