"""Role-aware navigation: each item shows only to roles with its capability."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from .roles import Capability, OrganisationKind

K = OrganisationKind


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str
    kinds: tuple[str, ...] | None = None


NAVIGATION: list[NavItem] = [
    NavItem("Dashboard", "dashboard", Capability.VIEW_DASHBOARD),
    NavItem("Pupils", "placements:pupil_list", Capability.VIEW_PUPILS, (K.SCHOOL, K.TRUST)),
    NavItem("Referrals and placements", "placements:placement_list", Capability.VIEW_PUPILS,
            (K.SCHOOL, K.TRUST, K.PROVIDER)),
    NavItem("Children in AP", "oversight:area_list", Capability.VIEW_AREA, (K.LOCAL_AUTHORITY,)),
    NavItem("Providers", "providers:directory", Capability.CHECK_PROVIDERS, (K.SCHOOL, K.LOCAL_AUTHORITY)),
    NavItem("Due-diligence pack", "providers:pack", Capability.MANAGE_PROVIDER_PROFILE, (K.PROVIDER,)),
    NavItem("QA frameworks", "qa_framework:framework_list", Capability.RUN_QA_VISITS, (K.LOCAL_AUTHORITY, K.SCHOOL)),
    NavItem("Improvement plan", "qa_framework:provider_plan", Capability.MANAGE_PROVIDER_PROFILE, (K.PROVIDER,)),
    NavItem("Registers", "attendance:register_list", Capability.SUBMIT_REGISTERS, (K.PROVIDER,)),
    NavItem("Attendance", "attendance:school_attendance", Capability.VIEW_ATTENDANCE, (K.SCHOOL, K.TRUST)),
    NavItem("Alerts", "attendance:alerts", Capability.VIEW_ATTENDANCE, (K.SCHOOL, K.PROVIDER)),
    NavItem("SLAs", "slas:list", Capability.VIEW_AGREEMENTS),
    NavItem("Invoices", "finance:invoice_list", Capability.VIEW_FINANCE, (K.SCHOOL, K.PROVIDER)),
    NavItem("QA visits", "qa_framework:visit_list", Capability.RUN_QA_VISITS, (K.LOCAL_AUTHORITY, K.SCHOOL)),
    NavItem("QA reports", "qa_framework:report_list", Capability.VIEW_AGREEMENTS, (K.PROVIDER,)),
    NavItem("Reports", "oversight:trust_report", Capability.READ_ACROSS_TRUST, (K.TRUST,)),
    NavItem("Reports", "oversight:school_report", Capability.VIEW_REPORTS, (K.SCHOOL,)),
    NavItem("Exam entries", "exams:entry_list", Capability.RECORD_EXAM_ENTRIES, (K.SCHOOL,)),
    NavItem("Exam entries", "exams:entry_list", Capability.CONFIRM_EXAM_ENTRIES, (K.PROVIDER,)),
    NavItem("Inspection and census", "oversight:census_inspection", Capability.VIEW_REPORTS, (K.SCHOOL,)),
    NavItem("Term dates", "attendance:calendar", Capability.MANAGE_CALENDAR, (K.LOCAL_AUTHORITY, K.SCHOOL)),
    NavItem("Closure days", "attendance:calendar", Capability.MANAGE_CALENDAR, (K.PROVIDER,)),
    NavItem("API tokens", "api_tokens:list", Capability.VIEW_ATTENDANCE, (K.PROVIDER,)),
    NavItem("People", "accounts:member_list", Capability.MANAGE_MEMBERS),
    NavItem("Audit log", "tenancy:audit_log", Capability.VIEW_AUDIT_LOG),
    NavItem("Notifications", "notifications:inbox", Capability.VIEW_DASHBOARD),
]


def navigation_for(request, membership) -> list[dict]:
    if membership is None:
        return []
    org = membership.organisation
    items = []
    for item in NAVIGATION:
        if not membership.can(item.capability):
            continue
        if item.kinds is not None and org.kind not in item.kinds:
            continue
        url = reverse(item.url_name, kwargs={"org": org.slug})
        items.append({"label": item.label, "name": item.url_name, "url": url, "current": False})
    # The current item: the page's own, else the longest whose URL the page's path starts with
    # (/attendance/alerts/ is under Alerts, not Attendance); the dashboard only on itself.
    home = f"/o/{org.slug}/"
    matches = [i for i in items if request.path == i["url"] or (i["url"] != home and request.path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items
