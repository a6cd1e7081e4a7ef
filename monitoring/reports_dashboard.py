"""Termly reports on the dashboards (apcommission/dashboards.py), imported by monitoring/dashboard.py:
the school's reports to acknowledge; the provider's reports due or overdue and the weekly behaviour
updates it owes. One query per list (the first few rows and their total), whatever the data."""

from __future__ import annotations

from apcommission.dashboards import Panel, PanelResult, Viewer, attention_panel, register, todo
from placements import selectors as placement_selectors
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from . import reports_selectors

ATTENTION_ITEMS = 5


@register
class ReportsToAcknowledgePanel(Panel):
    key = "monitoring_reports_acknowledge"
    order = 28
    kinds = frozenset({K.SCHOOL})
    capabilities = frozenset({C.RECORD_VISITS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        attention = []
        for report in reports_selectors.to_acknowledge()[:ATTENTION_ITEMS]:
            label = placement_selectors.list_label(report.placement, viewer.membership)
            attention += todo(viewer, f"Acknowledge the termly report on {label.text} from {report.provider.name}",
                              "monitoring:report_acknowledge", pk=report.pk, hint="Report to acknowledge")
        return attention_panel("Termly reports", attention)


@register
class ReportsToWritePanel(Panel):
    key = "monitoring_reports_write"
    order = 28
    kinds = frozenset({K.PROVIDER})
    capabilities = frozenset({C.WRITE_PROVIDER_REPORTS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        attention = []
        for report in reports_selectors.to_write(today=viewer.today)[:ATTENTION_ITEMS]:
            label = placement_selectors.list_label(report.placement, viewer.membership)
            overdue = report.due_on < viewer.today
            attention += todo(viewer, f"Write the termly report on {label.text} for {report.school.name}",
                              "monitoring:report_edit", pk=report.pk, overdue=overdue,
                              hint=f"{'Overdue: was due' if overdue else 'Due'} {report.due_on:%-d %B %Y}")
        for placement in reports_selectors.behaviour_updates_owed(today=viewer.today)[:ATTENTION_ITEMS]:
            label = placement_selectors.list_label(placement, viewer.membership)
            attention += todo(viewer, f"Send this week's behaviour update on {label.text}",
                              "monitoring:behaviour_update_create", pk=placement.pk,
                              hint="Placement in emergency review")
        return attention_panel("Termly reports", attention)
