"""Attendance on the dashboards (apcommission/dashboards.py): the provider's registers to take today,
and the school's (or trust's) placements below the attendance target. One query each; a figure
counts exactly the list it links to (attendance.reports.placement_figures with the same queue)."""

from __future__ import annotations

from apcommission import clock
from apcommission.dashboards import Attention, Panel, PanelResult, Viewer, figure, register
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from . import reports

BELOW_TARGET_LABEL = "Placements below the attendance target"


@register
class RegistersPanel(Panel):
    """Provider: "Take today's registers: 3 due" (today's registers not yet submitted)."""

    key = "attendance_registers"
    order = 15
    kinds = frozenset({K.PROVIDER})
    capabilities = frozenset({C.SUBMIT_REGISTERS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        url = viewer.link("attendance:register_list")  # today's registers
        if url is None:
            return None
        due = reports.registers_due_today(today=viewer.today)
        if not due:
            return None
        return PanelResult(title="Registers", attention=[
            Attention(f"Take today's registers: {due} due", url, hint="Registers not yet submitted today")])


@register
class AttendancePanel(Panel):
    """School or trust: how many live placements are below the school's attendance target."""

    key = "attendance"
    order = 25
    kinds = frozenset({K.SCHOOL, K.TRUST})
    capabilities = frozenset({C.VIEW_ATTENDANCE})

    def build(self, viewer: Viewer) -> PanelResult | None:
        query = {"queue": reports.BELOW_TARGET}
        if viewer.link("attendance:school_attendance", query=query) is None:
            return None
        count = reports.below_target_count(now=clock.now())
        return PanelResult(title="Attendance", figures=figure(viewer, BELOW_TARGET_LABEL, count,
                                                              "attendance:school_attendance", query=query))
