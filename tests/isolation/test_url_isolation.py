"""The isolation harness: every URL the project defines, every organisation kind, every role.

For each URL under /o/<org>/ (objects built for side a of the World, tests/conftest.py):
  * anonymous → redirect to sign-in;
  * every role of every organisation kind the view lets in (`org_view(..., kinds=...)`, read from
    the view): with the view's capability → the page works (the spec's status); without it → 403;
  * every role of every other kind → 403 (the view refuses the kind before anything else);
  * a capable member of the same kind on side b (another organisation), and of school c (same LA
    and provider as school a, not in trust a) → 404;
  * a capable member of side a asking for side b's object through their own organisation → 404;
    for school-owned objects also school a's and trust a's members asking for school c's → 404.
POSTs prove their effect: the spec's `state` must change when a capable role posts and stay the
same on every refusal (a redirect alone proves nothing: error paths redirect too).

One test per URL reports every failing check of that URL together. The World is built once for the
module (tests/conftest.py `module_shared_provider_world`); each test's writes are rolled back.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tenancy.roles import ROLE_KINDS, role_has
from tests.conftest import SECOND_SCHOOL

from .registry import ALL_KINDS, NON_TENANT_URLS, TENANT_URLS, kinds_for

PROJECT_MODULES = (
    "apcommission", "accounts", "tenancy", "providers", "placements", "attendance", "monitoring", "qa_framework", "finance", "exams", "oversight",
    "notifications", "slas", "api", "safeguarding",
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
    assert not missing, f"URLs without an isolation test: {sorted(missing)} — add them to tests/isolation/urls_*.py"
    stale = (set(TENANT_URLS) | set(NON_TENANT_URLS)) - names
    assert not stale, f"registry names URLs that no longer exist: {sorted(stale)}"


def test_every_post_spec_says_how_to_see_its_effect():
    missing = sorted(n for n, s in TENANT_URLS.items() if s.method == "post" and s.state is None)
    assert not missing, f"POST specs without `state=` (a redirect is not proof): {missing}"


class Probe:
    """Opens one URL for one World, building (and for POSTs rebuilding) the objects it needs."""

    def __init__(self, name, world, client):
        self.name, self.world, self.client = name, world, client
        self.spec = TENANT_URLS[name]
        self._built: dict = {}
        self.failures: list[str] = []
        kind, role = ALL_KINDS[0], sorted(ROLE_KINDS[ALL_KINDS[0]])[0]
        view = resolve(self._reverse("a", kind, self.kwargs("a", kind, role))).func
        self.capability = view.required_capability
        self.kinds = kinds_for(view)

    def kwargs(self, side, kind, role, *, fresh=False):
        key = self.spec.build_key(side, kind, role)
        if fresh or key not in self._built:
            self._built[key] = self.spec.build(self.world, side, kind=kind, role=role)
        return self._built[key]

    def _reverse(self, org_side, kind, kwargs):
        return reverse(self.name, kwargs={"org": self.world.org(kind, org_side).slug, **kwargs})

    def request(self, user, *, kind, org_side="a", object_side="a", role=None, fresh=False):
        kwargs = self.kwargs(object_side, kind, role, fresh=fresh)
        url = self._reverse(org_side, kind, kwargs)
        before = self.spec.snapshot(self.world, kwargs)
        self.client.logout()
        if user is not None:
            self.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        if self.spec.method == "post":
            response = self.client.post(url, self.spec.data(self.world, object_side))
        else:
            response = self.client.get(url)
        after = self.spec.snapshot(self.world, kwargs)
        return response, before, after

    def expect(self, label, response, status, *, changed=None, before=None, after=None):
        if response.status_code != status:
            self.failures.append(f"{label}: expected {status}, got {response.status_code}")
        if self.spec.state is not None and changed is not None and (before != after) != changed:
            self.failures.append(f"{label}: state {'did not change' if changed else 'changed'} "
                                 f"({before!r} → {after!r}) with status {response.status_code}")

    def capable_roles(self, kind):
        return sorted(r for r in ROLE_KINDS[kind] if role_has(r, self.capability))


@pytest.mark.parametrize("name", sorted(TENANT_URLS))
def test_url_isolation(name, module_shared_provider_world, client):
    world = module_shared_provider_world
    probe = Probe(name, world, client)
    spec = probe.spec
    post = spec.method == "post"

    # Anonymous → sign in.
    first = probe.kinds[0]
    response, before, after = probe.request(None, kind=first, role=sorted(ROLE_KINDS[first])[0])
    if response.status_code != 302 or not response["Location"].startswith(reverse("account_login")):
        probe.failures.append(f"anonymous: expected a redirect to sign in, got {response.status_code}")
    elif spec.state is not None and before != after:
        probe.failures.append("anonymous: state changed")

    for kind in ALL_KINDS:
        for role in sorted(ROLE_KINDS[kind]):
            user = world.user(kind, role, "a")
            label = f"{kind}/{role}"
            if kind not in probe.kinds:
                response, before, after = probe.request(user, kind=kind, role=role)
                probe.expect(f"{label} (kind not allowed)", response, 403, changed=False, before=before, after=after)
            elif role_has(role, probe.capability):
                response, before, after = probe.request(user, kind=kind, role=role, fresh=post)
                probe.expect(f"{label} (capable)", response, spec.status_for(kind), changed=True,
                             before=before, after=after)
            else:
                response, before, after = probe.request(user, kind=kind, role=role)
                probe.expect(f"{label} (lacks {probe.capability})", response, 403, changed=False,
                             before=before, after=after)

    for kind in probe.kinds:
        capable = probe.capable_roles(kind)
        if not capable:
            continue
        role = capable[0]
        # Another organisation of the same kind, asking for side a's object through side a's URL.
        outsiders = [("b", world.user(kind, role, "b"))]
        if kind == "school":
            outsiders.append((SECOND_SCHOOL, world.user(kind, role, SECOND_SCHOOL)))
        for side, user in outsiders:
            response, before, after = probe.request(user, kind=kind, role=role)
            probe.expect(f"{kind}/{role} of side {side} on side a's organisation", response, 404, changed=False,
                         before=before, after=after)
        if not spec.has_object:
            continue
        # Side a's member, own organisation in the URL, another side's object.
        sides = ["b"]
        if spec.school_owned and kind in ("school", "trust"):
            sides.append(SECOND_SCHOOL)
        for side in sides:
            response, before, after = probe.request(world.user(kind, role, "a"), kind=kind, role=role,
                                                    object_side=side)
            probe.expect(f"{kind}/{role} of side a asking for side {side}'s object", response, 404, changed=False,
                         before=before, after=after)

    assert not probe.failures, f"{name} ({probe.capability}, kinds {probe.kinds}):\n  " + "\n  ".join(probe.failures)
