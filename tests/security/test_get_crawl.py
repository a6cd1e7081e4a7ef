"""GET creates nothing (issue 8 item 6): opening any page as a member who may open it must not
add or remove a row anywhere in the project's apps.

Every GET URL of the isolation registry (tests/isolation/urls_*.py) is opened by the first capable
role of every organisation kind that may use it; row counts of every model of the project apps
are taken before and after.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import resolve, reverse

from tenancy.roles import ROLE_KINDS, role_has
from tenancy.scoping import scopes_disabled
from tests.isolation.registry import TENANT_URLS, kinds_for

PROJECT_APPS = ("apcommission", "accounts", "tenancy", "providers", "placements", "attendance", "monitoring", "qa_framework", "finance", "exams", "oversight",
                "safeguarding",
                "notifications", "slas", "api")

# Rows a GET may add, each with its reason.
ALLOWED_TO_GROW = {
    "tenancy.AuditEvent": "reading pupil data is audited by design: every view and download writes one event",
}


def _models():
    return sorted((m for m in apps.get_models() if m.__module__.split(".")[0] in PROJECT_APPS),
                  key=lambda m: m._meta.label)


def _counts() -> dict[str, int]:
    with scopes_disabled():
        return {m._meta.label: m._base_manager.count() for m in _models()}


GET_URLS = sorted(n for n, s in TENANT_URLS.items() if s.method == "get")


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


@pytest.mark.parametrize("name", GET_URLS)
def test_get_creates_nothing(name, world, client):
    spec = TENANT_URLS[name]
    first_kind = "school"
    first_role = sorted(ROLE_KINDS[first_kind])[0]
    probe = reverse(name, kwargs={"org": world.org(first_kind).slug,
                                  **spec.build(world, "a", kind=first_kind, role=first_role)})
    view = resolve(probe).func
    changes = []
    for kind in kinds_for(view):
        capable = sorted(r for r in ROLE_KINDS[kind] if role_has(r, view.required_capability))
        if not capable:
            continue
        role = capable[0]
        url = reverse(name, kwargs={"org": world.org(kind).slug, **spec.build(world, "a", kind=kind, role=role)})
        client.force_login(world.user(kind, role), backend="django.contrib.auth.backends.ModelBackend")
        before = _counts()
        response = client.get(url)
        after = _counts()
        for label in before:
            if before[label] != after[label] and label not in ALLOWED_TO_GROW:
                changes.append(f"{kind}/{role} (status {response.status_code}): {label} "
                               f"{before[label]} → {after[label]}")
    assert not changes, f"GET {name} changed rows:\n  " + "\n  ".join(changes)
