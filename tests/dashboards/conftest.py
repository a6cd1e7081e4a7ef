"""The demo world, loaded once per module, and a way to read a dashboard as a member sees it."""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from tenancy.models import Membership
from tenancy.roles import ROLE_KINDS
from tenancy.scoping import scopes_disabled

# Every (organisation kind, role) pair: one demo member of each signs in.
MEMBERS = sorted((kind, role) for kind, roles in ROLE_KINDS.items() for role in roles)


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker, tmp_path_factory):
    """load_demo_data once for the module, inside a transaction rolled back at its end (each test
    still runs in its own savepoint, so tests cannot see each other's changes)."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"), APC_REQUIRE_MFA=False)
    with django_db_blocker.unblock(), media:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo_data", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(demo_db, db):
    return None


def demo_member(kind: str, role: str) -> Membership:
    """The demo's member with this role in an organisation of this kind (the first by slug)."""
    with scopes_disabled():
        return (Membership.objects.select_related("user", "organisation")
                .filter(organisation__kind=kind, role=role).order_by("organisation__slug", "user__email").first())


@dataclass
class Dashboard:
    attention: list[tuple[str, str]]  # (text, href)
    figures: list[tuple[str, int, str]]  # (label, value, href)
    actions: list[tuple[str, str]]
    html: str


def read_dashboard(client, membership) -> Dashboard:
    response = client.get(reverse("dashboard", kwargs={"org": membership.organisation.slug}))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    attention = [(" ".join(a.get_text().split()), a["href"])
                 for a in soup.select('[data-testid="attention"] a.govuk-task-list__link')]
    figures = [(" ".join(a.get_text().split()[1:]), int(a["data-figure"]), a["href"])
               for a in soup.select('[data-testid="figures"] a[data-figure]')]
    actions = [(" ".join(a.get_text().split()), a["href"]) for a in soup.select(".govuk-button-group a.govuk-button")]
    return Dashboard(attention, figures, actions, response.content.decode())


def rows_listed(response) -> int:
    """How many rows the whole list has, as the page tells its reader ("12 pupils": `data-total`)."""
    totals = BeautifulSoup(response.content.decode(), "html.parser").select("[data-total]")
    assert len(totals) == 1, f"{response.request['PATH_INFO']}: {len(totals)} list counts on the page"
    return int(totals[0]["data-total"])


def path_of(href: str) -> str:
    parts = urlsplit(href)
    return parts.path + (f"?{parts.query}" if parts.query else "")
