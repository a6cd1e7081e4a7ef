"""The isolation harness: every URL the project defines is checked for tenant isolation.

For each URL under /o/<org>/:
  * anonymous → redirect to sign-in
  * a member of another organisation of the same kind → 404 (organisation not theirs)
  * a member of this organisation asking for the *other* side's object → 404 (scoped away)
  * a role here without the view's capability → 403
  * a role with it → the page works
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tenancy.roles import ROLE_KINDS, role_has

from .registry import NON_TENANT_URLS, TENANT_URLS

PROJECT_MODULES = (
    "apcommission", "accounts", "tenancy", "providers", "placements", "attendance", "qa_framework",
    "notifications", "slas",
)


def project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace if p.namespace else namespace
                if ns and namespace and p.namespace:
                    ns = f"{namespace}:{p.namespace}"
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                module = getattr(p.callback, "__module__", "")
                if module.split(".")[0] not in PROJECT_MODULES:
                    continue  # allauth, Django admin: third-party, no tenant data of ours
                assert p.name, f"URL {p.pattern} in {module} has no name"
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_project_url_has_an_isolation_spec():
    names = project_url_names()
    assert "dashboard" in names and "placements:pupil_detail" in names  # the walk finds real URLs
    missing = names - set(TENANT_URLS) - set(NON_TENANT_URLS)
    assert not missing, f"URLs without an isolation test: {sorted(missing)} — add them to tests/isolation/registry.py"
    stale = (set(TENANT_URLS) | set(NON_TENANT_URLS)) - names
    assert not stale, f"registry names URLs that no longer exist: {sorted(stale)}"


def _url(name, world, side, spec, org_side=None):
    org = world.org(spec.kind, org_side or side)
    return reverse(name, kwargs={"org": org.slug, **spec.kwargs(world, side)})


def _capable_role(view_capability, spec):
    if spec.right_role:
        return spec.right_role
    return sorted(r for r in ROLE_KINDS[spec.kind] if role_has(r, view_capability))[0]


def _view_for(url):
    from django.urls import resolve

    return resolve(url).func


def _request(client, spec, url, world, side):
    if spec.method == "post":
        return client.post(url, spec.data(world, side))
    return client.get(url)


@pytest.mark.parametrize("name", sorted(TENANT_URLS))
def test_anonymous_is_sent_to_sign_in(name, world, client):
    spec = TENANT_URLS[name]
    url = _url(name, world, "a", spec)
    response = _request(client, spec, url, world, "a")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(TENANT_URLS))
def test_member_of_another_organisation_gets_404(name, world, login):
    spec = TENANT_URLS[name]
    url = _url(name, world, "a", spec)
    capability = _view_for(url).required_capability
    outsider = world.user(spec.kind, _capable_role(capability, spec), side="b")
    response = _request(login(outsider), spec, url, world, "a")
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(n for n, s in TENANT_URLS.items() if s.has_object))
def test_other_sides_object_through_own_organisation_gets_404(name, world, login):
    spec = TENANT_URLS[name]
    own_url = _url(name, world, "a", spec)
    capability = _view_for(own_url).required_capability
    member = world.user(spec.kind, _capable_role(capability, spec), side="a")
    # Organisation a in the URL (theirs), object from side b (not theirs).
    url = _url(name, world, "b", spec, org_side="a")
    response = _request(login(member), spec, url, world, "b")
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(TENANT_URLS))
def test_role_without_the_capability_gets_403(name, world, login):
    spec = TENANT_URLS[name]
    url = _url(name, world, "a", spec)
    capability = _view_for(url).required_capability
    lacking = sorted(r for r in ROLE_KINDS[spec.kind] if not role_has(r, capability))
    if not lacking:
        assert spec.wrong_role_absent, f"{name}: every {spec.kind} role has {capability}; say why in the registry"
        return
    for role in lacking:
        response = _request(login(world.user(spec.kind, role, "a")), spec, url, world, "a")
        assert response.status_code == 403, f"{role} got {response.status_code} on {name}"


@pytest.mark.parametrize("name", sorted(TENANT_URLS))
def test_role_with_the_capability_gets_the_page(name, world, login):
    spec = TENANT_URLS[name]
    url = _url(name, world, "a", spec)
    capability = _view_for(url).required_capability
    member = world.user(spec.kind, _capable_role(capability, spec), "a")
    response = _request(login(member), spec, url, world, "a")
    assert response.status_code == spec.ok_status
