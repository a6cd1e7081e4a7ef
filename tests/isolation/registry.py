"""What the isolation harness needs to know about each URL: how to build its object kwargs for a
side of the World and, for POSTs, how to see whether the request did anything.

Which organisation kinds may use a URL is read from the view itself (`org_view(capability,
kinds=...)` keeps `required_capability` and `allowed_kinds` on the view; no `kinds` means every
kind, and the capability decides), so the registry cannot drift from the code. For every URL the
harness tries every role of every organisation kind (tests/isolation/test_url_isolation.py).

Every URL pattern the project defines must appear in TENANT_URLS or, for the few URLs
outside /o/<org>/, in NON_TENANT_URLS with the test that covers it. Each app keeps its rows in
its own module (tests/isolation/urls_<app>.py) so work on different apps does not collide.

Object builders are called as `kwargs(world, side)`; a builder that also takes `kind` (and/or
`role`) keyword arguments is given the organisation kind (and role) of the member who will open
the URL, for objects that differ by reader (a notification addressed to that role, a commissioning
agreement waiting for that side's agreement).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from tenancy.roles import ROLE_KINDS, Role
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scopes_disabled

ALL_KINDS = (K.SCHOOL, K.PROVIDER, K.LOCAL_AUTHORITY, K.TRUST)


def _no_object(world, side):
    return {}


@dataclass(frozen=True)
class UrlSpec:
    kwargs: Callable = _no_object  # object kwargs (besides org) for that side
    method: str = "get"
    ok_status: int | dict = 200  # what a capable role gets; a dict gives it per organisation kind
    data: Callable = _no_object  # POST data: data(world, side)
    # POST only: state(world, kwargs) -> a comparable snapshot of what the request should change
    # (read with scopes disabled). A capable role's request must change it; a refused one must not.
    state: Callable | None = None
    # The object belongs to a school (pupil, placement, SLA): a member of school a or trust a asking
    # for school c's object (same LA, same provider, not in the trust) must get 404 too.
    school_owned: bool = False

    @property
    def has_object(self) -> bool:
        return self.kwargs is not _no_object

    def status_for(self, kind: str) -> int:
        return self.ok_status.get(kind, 200) if isinstance(self.ok_status, dict) else self.ok_status

    def build(self, world, side: str, *, kind: str, role: str) -> dict:
        params = inspect.signature(self.kwargs).parameters
        extra = {k: v for k, v in (("kind", kind), ("role", role)) if k in params}
        return self.kwargs(world, side, **extra)

    def build_key(self, side: str, kind: str, role: str) -> tuple:
        """Requests with the same key can share one built object (GETs change nothing)."""
        params = inspect.signature(self.kwargs).parameters
        return (side, kind if "kind" in params else None, role if "role" in params else None)

    def snapshot(self, world, kwargs: dict):
        if self.state is None:
            return None
        with scopes_disabled():
            return self.state(world, kwargs)


def kinds_for(view) -> tuple[str, ...]:
    """The organisation kinds the view lets in (before the capability check)."""
    kinds = getattr(view, "allowed_kinds", None)
    return tuple(kinds) if kinds is not None else ALL_KINDS


def non_admin_role(kind: str) -> str:
    return sorted(r for r in ROLE_KINDS[kind] if r != Role.ORG_ADMIN)[0]


def _other_member(world, side, *, kind):
    return {"pk": world.member(kind, non_admin_role(kind), side).pk}


def _pending_invitation(world, side, *, kind):
    from accounts.services import invitation_create
    from apcommission import clock

    org = world.org(kind, side)
    invitation, _ = invitation_create(
        organisation=org, invited_by=world.user(kind, Role.ORG_ADMIN, side),
        email=f"new-{side}-{kind}-{clock.now().timestamp()}@example.org", role=non_admin_role(kind),
        now=clock.now(), base_url="http://testserver/",
    )
    return {"pk": invitation.pk}


def _invitation_state(world, kwargs):
    from accounts.models import Invitation

    return Invitation.objects.filter(pk=kwargs["pk"]).values_list("revoked_at", flat=True).get()


FOUNDATION_URLS: dict[str, UrlSpec] = {
    "dashboard": UrlSpec(),
    "accounts:member_list": UrlSpec(),
    "accounts:member_invite": UrlSpec(),
    "accounts:member_remove": UrlSpec(kwargs=_other_member),
    "accounts:invitation_revoke": UrlSpec(kwargs=_pending_invitation, method="post", ok_status=302,
                                         state=_invitation_state),
    "tenancy:audit_log": UrlSpec(),
}

# URLs outside /o/<org>/: no tenant data, or the grant is in the URL itself.
NON_TENANT_URLS: dict[str, str] = {
    "home": "redirects to the person's organisation; tests/test_tenancy_views.py",
    "organisation_switch": "lists only the signed-in person's memberships; tests/test_tenancy_views.py",
    "invitation_accept": "the single-use token is the grant; tests/test_invitations.py",
    "healthz": "public liveness check, no tenant data; tests/test_ops.py",
    "account_email_disabled": "switches allauth's e-mail page off (404); tests/test_accounts_pages.py",
    "admin:login": "operations admin sign-in, superusers only; tests/security/test_admin_login.py",
    "verify": "public: confirms a PDF the holder already has; tests/slas/test_sla_pdf.py",
    # /api/v1/: a bearer token names the membership; its requests run in that scope (api.middleware).
    "api:schema": "public OpenAPI description, no tenant data; tests/api/test_schema.py",
    "api:docs": "public API documentation page, no tenant data; tests/api/test_schema.py",
    "api:not_found": "JSON 404 for any other path under /api/v1/; tests/api/test_registers_api.py",
    "api:registers": "token's provider only, 401/403/404 and field errors; tests/api/test_registers_api.py",
    "api:register_submit": "token's provider only, 401/403/404 and field errors; tests/api/test_registers_api.py",
    "api:session_not_accounted_for": "token's provider only, 403/404, DSLs told; tests/api/test_registers_api.py",
}


def _collect() -> dict[str, UrlSpec]:
    import importlib
    import pkgutil

    from tests import isolation

    urls = dict(FOUNDATION_URLS)
    for info in pkgutil.iter_modules(isolation.__path__):
        if info.name.startswith("urls_"):
            module = importlib.import_module(f"tests.isolation.{info.name}")
            clash = set(urls) & set(module.URLS)
            assert not clash, f"{info.name} repeats {clash}"
            urls.update(module.URLS)
    return urls


TENANT_URLS: dict[str, UrlSpec] = _collect()
