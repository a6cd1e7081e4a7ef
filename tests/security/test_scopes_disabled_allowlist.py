"""`scopes_disabled()` only where listed (issue 8 item 6).

Every use of `scopes_disabled(` in the project apps' code (not tests, not migrations) must be in
ALLOWED with a one-line reason; a new use fails, and so does an entry whose use has gone. Uses on
the request path (reached from a view while a member browses) are listed separately in
REQUEST_PATH: the issue wants them turned into explicit cross-tenant selectors that return only
aggregates, so that list should shrink, never grow.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("apcommission", "accounts", "tenancy", "providers", "placements", "attendance", "qa_framework", "finance", "exams", "oversight",
        "notifications", "slas", "api", "demo")

# Not on a request path: set-up code, beat jobs and sweeps, and the scoping layer's own plumbing.
ALLOWED: dict[tuple[str, str], str] = {
    ("tenancy/factories.py", "ScopedFactory._create"): "test and demo factories build rows across tenants",
    ("placements/factories.py", "placement_in_state"): "test and demo factory: a placement with every row it needs",
    ("attendance/factories.py", "register_with_sessions"): "test factory: a register with sessions of several schools",
    ("qa_framework/factories.py", "framework_version"): "test and demo factory: a framework version with its standards",
    ("demo/management/commands/load_demo_data.py", "Command.handle"): "management command loading demo data for every tenant",
    ("providers/demo.py", "load_providers_demo"): "demo data loader (management command), all tenants",
    ("attendance/demo.py", "load_calendar_demo"): "demo data loader (management command): the LA's and its schools' dates",
    ("attendance/demo.py", "load_registers_demo"): "demo data loader: registers of every demo provider and school",
    ("attendance/demo.py", "_demo_register"): "demo data loader: a register holding two schools' sessions",
    ("attendance/demo.py", "_submit"): "demo data loader: who at the provider takes registers, and the session ids",
    ("attendance/sessions.py", "sessions_refresh"): "session generator entry point: a register holds several schools' sessions",
    ("attendance/sessions.py", "_reconcile"): "expected-session writer (daily beat job, and after commit of a "
                                               "timetable, state, SLA or calendar change): a register holds "
                                               "sessions of several schools; returns counts only",
    ("attendance/sessions.py", "generate_ahead"): "daily beat job: ids of every placement expecting sessions",
    ("attendance/sessions.py", "calendar_changed"): "ids of the placements an LA's, school's or provider's "
                                                    "calendar change affects (other schools' too, for an LA)",
    ("attendance/tasks_summary.py", "schools_to_summarise"): "weekly beat job: which schools get last week's "
                                                              "attendance summary (ids only)",
    ("notifications/services.py", "notifications_deliver"): "beat job delivering every tenant's unsent notifications",
    ("notifications/services.py", "notification_resend"): "operations admin action (superusers): send failed "
                                                          "notifications again, by id, status only",
    ("slas/services.py", "sla_pdf_ensure"): "Celery task (and the PDF view, after its scoped lookup of the same SLA) "
                                            "reading one signed SLA by id to render and store its PDF",
    ("tenancy/middleware.py", "TenantScopeMiddleware.__call__"): "operations admin: superusers only, outside /o/<org>/",
    ("tenancy/selectors.py", "memberships_for_user"): "the signed-in person's own memberships, before any tenant is chosen",
    ("accounts/selectors.py", "invitation_by_token"): "invitation link: the single-use token is the grant, no tenant yet",
    ("api/selectors.py", "token_for_bearer"): "API request: the bearer token is the grant and names its membership, "
                                              "whose scope the request then runs in",
    ("accounts/services.py", "invitation_accept"): "using an invitation: locks the invitation row found by its token",
    ("slas/selectors.py", "sla_by_pdf_hash"): "public /verify/: the holder of the PDF proves possession; returns that SLA only",
    ("qa_framework/approval.py", "_tell_commissioning_schools"): "an LA refuses a provider: which of its schools "
                                                                 "have placements there, to notify them (no pupil)",
}

# On the request path: a member's page reads across tenants. Only explicit cross-tenant modules
# (`<app>/cross_tenant.py`) may do that, and each function there returns numbers or yes/no facts
# only (tests/placements/test_cross_tenant.py checks the types returned).
REQUEST_PATH: dict[tuple[str, str], str] = {
    ("placements/cross_tenant.py", "suitability_current"): "yes/no: the school's sign-off of one provider (referral "
                                                            "decision guard), whoever asks",
    ("placements/cross_tenant.py", "provider_is_registered"): "yes/no: the provider's registration status for the "
                                                               "registration test",
    ("placements/cross_tenant.py", "suspended_for"): "yes/no: the school's LA suspended the provider (referral and "
                                                      "agreement guards, provider side too)",
    ("placements/cross_tenant.py", "other_placement_hours"): "a sum: the pupil's hours at other providers for the "
                                                              "full-time check, read by providers too",
    ("placements/cross_tenant.py", "commissioning_school_ids"): "school ids with placements at a provider (expiry "
                                                                 "reminders; the providers app's registered source)",
    ("placements/cross_tenant.py", "registration_counts"): "four counts over every school's pupils at the provider "
                                                            "for the registration test (agreement page, directory)",
    ("placements/cross_tenant.py", "registration_figures"): "the provider's declared pupil numbers, whoever asks "
                                                             "(same figures for the directory and the agreement)",
    ("qa_framework/cross_tenant.py", "provider_register_figures"): "four counts: a provider's registers on time and "
                                                                   "attendance over every school (QA visit evidence)",
    ("slas/cross_tenant.py", "sla_terms_for"): "the numbers of the SLA in force for a school–provider pair "
                                               "(attendance and monitoring rules; sweeps too)",
}


def scopes_disabled_uses() -> dict[tuple[str, str], list[int]]:
    uses: dict[tuple[str, str], list[int]] = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts or "tests" in rel.parts or rel.name.startswith("test_"):
                continue
            tree = ast.parse(path.read_text(), filename=str(rel))

            def walk(node, stack, rel=rel):
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        walk(child, [*stack, child.name])
                        continue
                    if isinstance(child, ast.Call):
                        func = child.func
                        name = getattr(func, "id", None) or getattr(func, "attr", None)
                        if name == "scopes_disabled":
                            key = (rel.as_posix(), ".".join(stack) or "<module>")
                            uses.setdefault(key, []).append(child.lineno)
                    walk(child, stack)

            walk(tree, [])
    return uses


def test_the_scan_finds_real_uses():
    assert ("tenancy/factories.py", "ScopedFactory._create") in scopes_disabled_uses()


def test_lists_do_not_overlap():
    assert not set(ALLOWED) & set(REQUEST_PATH)


def test_request_path_reads_live_in_cross_tenant_modules():
    assert all(file.endswith("/cross_tenant.py") for file, _ in REQUEST_PATH)
    assert not any(file.endswith("/cross_tenant.py") for file, _ in ALLOWED)


def test_scopes_disabled_only_where_listed():
    uses = scopes_disabled_uses()
    listed = set(ALLOWED) | set(REQUEST_PATH)
    new = sorted(f"{file}:{lines[0]} in {func}()" for (file, func), lines in uses.items() if (file, func) not in listed)
    assert not new, ("scopes_disabled() used where it is not listed; use a scoped query, or add a one-line reason in "
                     f"tests/security/test_scopes_disabled_allowlist.py: {new}")


def test_no_stale_allow_list_entries():
    uses = scopes_disabled_uses()
    stale = sorted(f"{file} {func}()" for file, func in (set(ALLOWED) | set(REQUEST_PATH)) if (file, func) not in uses)
    assert not stale, f"allow-list entries with no scopes_disabled() use any more (remove them): {stale}"
