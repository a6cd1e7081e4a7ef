"""What the isolation harness needs to know about each URL: which organisation kind it is
for, and how to build its object kwargs for a side of the World.

Every URL pattern the project defines must appear in TENANT_URLS or, for the few URLs
outside /o/<org>/, in NON_TENANT_URLS with the test that covers it. Each app keeps its rows in
its own module (tests/isolation/urls_<app>.py) so work on different apps does not collide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role


def _no_object(world, side):
    return {}


@dataclass(frozen=True)
class UrlSpec:
    kind: str  # organisation kind whose members use the URL
    kwargs: Callable = _no_object  # object kwargs (besides org) for that side
    method: str = "get"
    ok_status: int = 200
    right_role: str | None = None  # defaults to the first role of the kind with the capability
    wrong_role_absent: str = ""  # reason, when every role of the kind has the capability
    data: Callable = _no_object

    @property
    def has_object(self) -> bool:
        return self.kwargs is not _no_object


def _other_member(world, side):
    return {"pk": world.member(K.SCHOOL, Role.PASTORAL, side).pk}


def _pending_invitation(world, side):
    from accounts.services import invitation_create
    from apcommission import clock

    org = world.org(K.SCHOOL, side)
    invitation, _ = invitation_create(
        organisation=org, invited_by=world.user(K.SCHOOL, Role.ORG_ADMIN, side),
        email=f"new-{side}-{clock.now().timestamp()}@example.org", role=Role.PASTORAL,
        now=clock.now(), base_url="http://testserver/",
    )
    return {"pk": invitation.pk}


FOUNDATION_URLS: dict[str, UrlSpec] = {
    "dashboard": UrlSpec(K.SCHOOL, wrong_role_absent="every role has a dashboard"),
    "tenancy:member_list": UrlSpec(K.SCHOOL),
    "tenancy:member_invite": UrlSpec(K.SCHOOL),
    "tenancy:member_remove": UrlSpec(K.SCHOOL, kwargs=_other_member),
    "tenancy:invitation_revoke": UrlSpec(K.SCHOOL, kwargs=_pending_invitation, method="post", ok_status=302),
    "tenancy:audit_log": UrlSpec(K.SCHOOL),
}

# URLs outside /o/<org>/: no tenant data, or the grant is in the URL itself.
NON_TENANT_URLS: dict[str, str] = {
    "home": "redirects to the person's organisation; tests/test_tenancy_views.py",
    "organisation_switch": "lists only the signed-in person's memberships; tests/test_tenancy_views.py",
    "invitation_accept": "the single-use token is the grant; tests/test_invitations.py",
    "healthz": "public liveness check, no tenant data; tests/test_ops.py",
    "account_email_disabled": "switches allauth's e-mail page off (404); tests/test_accounts_pages.py",
    "verify": "public: confirms a PDF the holder already has; tests/slas/test_sla_pdf.py",
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
