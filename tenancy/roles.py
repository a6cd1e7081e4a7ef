"""Roles and what each may do: the one role→capability table.

Visibility of rows (which organisation's data) is decided by the scoping layer
(tenancy.scoping); what a member may *do* with what they can see is decided here.
No access to an organisation or object → 404; missing capability → 403.
"""

from __future__ import annotations

from django.db import models


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    TRUST = "trust", "Academy trust"
    SCHOOL = "school", "School or commissioning service"
    PROVIDER = "provider", "Alternative provider"


class Role(models.TextChoices):
    # Schools and other commissioners (seeds 002, 004)
    HEADTEACHER = "headteacher", "Headteacher"
    AP_LEAD = "ap_lead", "AP lead (key contact)"
    PASTORAL = "pastoral", "Pastoral staff"
    DSL = "dsl", "Designated safeguarding lead"
    SENCO = "senco", "SENCo"
    ATTENDANCE_OFFICER = "attendance_officer", "Attendance officer"
    EXAMS_OFFICER = "exams_officer", "Exams officer"
    FINANCE = "finance", "Finance"
    # Providers (seeds 000, 001 §17)
    PROVIDER_MANAGER = "provider_manager", "Provider manager"
    PROVIDER_STAFF = "provider_staff", "Provider staff"
    PROVIDER_DSL = "provider_dsl", "Provider safeguarding lead"
    # Local authorities (seed 001 §18)
    QA_OFFICER = "qa_officer", "QA officer"
    AP_OFFICER = "ap_officer", "AP officer"
    # Academy trusts (seed 002)
    TRUST_EXECUTIVE = "trust_executive", "Trust executive"
    # Every kind
    ORG_ADMIN = "org_admin", "Organisation admin"


class Capability(models.TextChoices):
    VIEW_DASHBOARD = "view_dashboard", "See the organisation's dashboard"
    MANAGE_MEMBERS = "manage_members", "Invite and remove members"
    VIEW_AUDIT_LOG = "view_audit_log", "Read the organisation's audit log"
    VIEW_PUPILS = "view_pupils", "See pupil records"
    MANAGE_PUPILS = "manage_pupils", "Add and change pupil records"
    VIEW_SPECIAL_CATEGORY = "view_special_category", "See special-category data (health, SEN, safeguarding)"
    MAKE_REFERRALS = "make_referrals", "Refer pupils and agree placements"
    APPROVE_REFERRALS = "approve_referrals", "Approve referrals (headteacher decision)"
    VIEW_AGREEMENTS = "view_agreements", "See SLAs and commissioning agreements"
    SIGN_AGREEMENTS = "sign_agreements", "Sign SLAs and commissioning agreements"
    VIEW_FINANCE = "view_finance", "See costings and invoices"
    VIEW_ATTENDANCE = "view_attendance", "Follow attendance"
    SUBMIT_REGISTERS = "submit_registers", "Submit session registers"
    MANAGE_CALENDAR = "manage_calendar", "Keep term dates, INSET and closure days"
    MANAGE_ATTENDANCE_SETTINGS = "manage_attendance_settings", "Set the school's attendance target and register alerts"
    ACKNOWLEDGE_ALERTS = "acknowledge_alerts", "Acknowledge attendance alerts (missing register, pupil not accounted for)"
    RECORD_VISITS = "record_visits", "Record visits, reviews and outcomes"
    WRITE_PROVIDER_REPORTS = "write_provider_reports", "Write termly reports and weekly behaviour updates on placements"
    REPORT_SAFEGUARDING = "report_safeguarding", "Report and read safeguarding concerns and incidents"
    SHARE_SAFEGUARDING = "share_safeguarding", "Read every safeguarding concern on the organisation's placements and share one with named people (DSLs)"
    MANAGE_PROVIDER_PROFILE = "manage_provider_profile", "Keep the provider profile and due-diligence pack"
    CHECK_PROVIDERS = "check_providers", "Search providers and record suitability checks"
    MANAGE_DIRECTORY = "manage_directory", "Keep the LA provider directory and approved list"
    RUN_QA_VISITS = "run_qa_visits", "Run QA visits against the standards framework"
    VIEW_AREA = "view_area", "See every child in AP in the area"
    READ_ACROSS_TRUST = "read_across_trust", "Read placement, attendance, outcome and cost reports across the trust's schools"
    VIEW_REPORTS = "view_reports", "Read the school's oversight reports (governors' report, census and inspection lists)"
    RAISE_INVOICES = "raise_invoices", "Raise invoices against an SLA for sessions delivered"
    AUTHORISE_INVOICES = "authorise_invoices", "Authorise, query or reject providers' invoices (budget holder)"
    RECORD_EXAM_ENTRIES = "record_exam_entries", "Record exam entries and results for pupils in AP"
    CONFIRM_EXAM_ENTRIES = "confirm_exam_entries", "Confirm exam entries for pupils the provider teaches"


R, C = Role, Capability

ROLE_KINDS: dict[str, set[str]] = {
    OrganisationKind.SCHOOL: {
        R.HEADTEACHER, R.AP_LEAD, R.PASTORAL, R.DSL, R.SENCO, R.ATTENDANCE_OFFICER,
        R.EXAMS_OFFICER, R.FINANCE, R.ORG_ADMIN,
    },
    OrganisationKind.PROVIDER: {R.PROVIDER_MANAGER, R.PROVIDER_STAFF, R.PROVIDER_DSL, R.ORG_ADMIN},
    OrganisationKind.LOCAL_AUTHORITY: {R.QA_OFFICER, R.AP_OFFICER, R.ORG_ADMIN},
    OrganisationKind.TRUST: {R.TRUST_EXECUTIVE, R.ORG_ADMIN},
}

_PUPIL_READERS = {C.VIEW_DASHBOARD, C.VIEW_PUPILS, C.VIEW_ATTENDANCE}
# School staff who follow attendance act on its alerts; so do the provider's manager and DSL.
_SCHOOL_PUPIL_READERS = _PUPIL_READERS | {C.ACKNOWLEDGE_ALERTS}

# run_qa_visits: an LA's QA officer runs provider QA visits against the LA's framework; a school's
# headteacher and AP lead run the school's termly QA of the providers it commissions with the same
# engine (seed 001 §12): frameworks, visits and improvement plans (qa_framework).
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    R.HEADTEACHER: frozenset(_SCHOOL_PUPIL_READERS | {
        C.MANAGE_PUPILS, C.VIEW_SPECIAL_CATEGORY, C.MAKE_REFERRALS, C.APPROVE_REFERRALS,
        C.VIEW_AGREEMENTS, C.SIGN_AGREEMENTS, C.VIEW_FINANCE, C.RECORD_VISITS, C.REPORT_SAFEGUARDING, C.CHECK_PROVIDERS,
        C.MANAGE_CALENDAR, C.MANAGE_ATTENDANCE_SETTINGS, C.RUN_QA_VISITS, C.VIEW_REPORTS,
    }),
    R.AP_LEAD: frozenset(_SCHOOL_PUPIL_READERS | {
        C.MANAGE_PUPILS, C.VIEW_SPECIAL_CATEGORY, C.MAKE_REFERRALS, C.VIEW_AGREEMENTS, C.SIGN_AGREEMENTS,
        C.VIEW_FINANCE, C.RECORD_VISITS, C.REPORT_SAFEGUARDING, C.CHECK_PROVIDERS, C.MANAGE_CALENDAR,
        C.MANAGE_ATTENDANCE_SETTINGS, C.RUN_QA_VISITS, C.VIEW_REPORTS, C.RECORD_EXAM_ENTRIES,
    }),
    R.PASTORAL: frozenset(_SCHOOL_PUPIL_READERS | {C.RECORD_VISITS}),
    R.DSL: frozenset(_SCHOOL_PUPIL_READERS | {C.VIEW_SPECIAL_CATEGORY, C.REPORT_SAFEGUARDING, C.SHARE_SAFEGUARDING}),
    R.SENCO: frozenset(_SCHOOL_PUPIL_READERS | {C.VIEW_SPECIAL_CATEGORY, C.RECORD_VISITS}),
    R.ATTENDANCE_OFFICER: frozenset(_SCHOOL_PUPIL_READERS | {C.MANAGE_CALENDAR, C.MANAGE_ATTENDANCE_SETTINGS}),
    R.EXAMS_OFFICER: frozenset({C.VIEW_DASHBOARD, C.VIEW_PUPILS, C.RECORD_EXAM_ENTRIES}),
    # The school business manager holds the budget: the only role that authorises invoices.
    R.FINANCE: frozenset({C.VIEW_DASHBOARD, C.VIEW_FINANCE, C.VIEW_AGREEMENTS, C.AUTHORISE_INVOICES}),
    R.PROVIDER_MANAGER: frozenset({
        C.VIEW_DASHBOARD, C.VIEW_PUPILS, C.VIEW_ATTENDANCE, C.SUBMIT_REGISTERS, C.VIEW_AGREEMENTS, C.SIGN_AGREEMENTS,
        C.VIEW_FINANCE, C.REPORT_SAFEGUARDING, C.MANAGE_PROVIDER_PROFILE, C.MANAGE_CALENDAR,
        C.ACKNOWLEDGE_ALERTS, C.WRITE_PROVIDER_REPORTS, C.RAISE_INVOICES, C.CONFIRM_EXAM_ENTRIES,
    }),
    # Staff teach the pupil and write what they see (seed 004: "Name of staff completing this form").
    R.PROVIDER_STAFF: frozenset({C.VIEW_DASHBOARD, C.VIEW_PUPILS, C.VIEW_ATTENDANCE, C.SUBMIT_REGISTERS,
                                 C.WRITE_PROVIDER_REPORTS}),
    R.PROVIDER_DSL: frozenset({
        C.VIEW_DASHBOARD, C.VIEW_PUPILS, C.VIEW_ATTENDANCE, C.VIEW_SPECIAL_CATEGORY, C.REPORT_SAFEGUARDING,
        C.SHARE_SAFEGUARDING, C.VIEW_AGREEMENTS, C.ACKNOWLEDGE_ALERTS,
    }),
    R.QA_OFFICER: frozenset({
        C.VIEW_DASHBOARD, C.MANAGE_DIRECTORY, C.RUN_QA_VISITS, C.CHECK_PROVIDERS, C.VIEW_AREA, C.VIEW_AGREEMENTS,
    }),
    R.AP_OFFICER: frozenset({
        C.VIEW_DASHBOARD, C.MANAGE_DIRECTORY, C.CHECK_PROVIDERS, C.VIEW_AREA, C.VIEW_AGREEMENTS, C.MANAGE_CALENDAR,
    }),
    R.TRUST_EXECUTIVE: frozenset({
        C.VIEW_DASHBOARD, C.VIEW_PUPILS, C.VIEW_ATTENDANCE, C.VIEW_AGREEMENTS, C.READ_ACROSS_TRUST,
    }),
    # Admins run the organisation's accounts (and its calendar); they do not see pupils unless they
    # hold another role.
    R.ORG_ADMIN: frozenset({C.VIEW_DASHBOARD, C.MANAGE_MEMBERS, C.VIEW_AUDIT_LOG, C.MANAGE_CALENDAR}),
}

# Capabilities that expose pupil-level data: holding any of them requires MFA.
PUPIL_DATA_CAPABILITIES = frozenset({
    C.VIEW_PUPILS, C.VIEW_SPECIAL_CATEGORY, C.VIEW_ATTENDANCE, C.VIEW_AREA, C.REPORT_SAFEGUARDING,
    C.SHARE_SAFEGUARDING,
})


def role_has(role: str, capability: str) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def role_requires_mfa(role: str) -> bool:
    return bool(ROLE_CAPABILITIES.get(role, frozenset()) & PUPIL_DATA_CAPABILITIES)


def roles_for_kind(kind: str) -> list[tuple[str, str]]:
    allowed = ROLE_KINDS.get(kind, set())
    return [(value, label) for value, label in Role.choices if value in allowed]


def capability_table_markdown() -> str:
    """The role table printed in README.md (a test keeps the README in step with this module)."""
    kinds = {role: kind for kind, roles in ROLE_KINDS.items() for role in roles if role != R.ORG_ADMIN}
    rows = ["| Role | Organisation | Capabilities |", "|---|---|---|"]
    for role in Role:
        kind = OrganisationKind(kinds[role]).label if role in kinds else "any"
        caps = ", ".join(f"`{c.value}`" for c in Capability if role_has(role, c))
        mfa = " (MFA required)" if role_requires_mfa(role) else ""
        rows.append(f"| {role.label}{mfa} | {kind} | {caps} |")
    rows += ["", "| Capability | Meaning |", "|---|---|"]
    rows += [f"| `{c.value}` | {c.label} |" for c in Capability]
    return "\n".join(rows)
