"""API tokens: shown once, stored hashed, revocable, tied to one membership."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from api.models import ApiToken
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

from .conftest import api_client, make_token

pytestmark = pytest.mark.django_db

REGISTERS = "/api/v1/registers/"


def _tokens():
    with scopes_disabled():
        return list(ApiToken.objects.all())


def test_a_token_is_shown_once_and_stored_hashed(api_world, login):
    member = api_world.world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    client = login(member.user)
    org = member.organisation.slug

    response = client.post(reverse("api_tokens:create", kwargs={"org": org}), {"name": "Minibus tablet"})

    assert response.status_code == 200
    (token,) = _tokens()
    raw = response.context["raw_token"]
    assert raw.startswith(f"apc_{token.prefix}_") and len(raw) > 40
    assert raw in response.content.decode()
    assert response["Cache-Control"].count("no-store")
    # Only the SHA-256 is kept: nothing in the row is the token.
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(v) for v in vars(token).values()}
    assert token.membership == member and token.name == "Minibus tablet"
    # The list shows the prefix, never the token again.
    listing = client.get(reverse("api_tokens:list", kwargs={"org": org})).content.decode()
    assert "Minibus tablet" in listing and f"apc_{token.prefix}_" in listing and raw not in listing
    # The token works.
    assert api_client(raw).get(REGISTERS).status_code == 200
    with scopes_disabled():
        assert AuditEvent.objects.filter(organisation=member.organisation, detail__contains=token.prefix).exists()


def test_an_empty_name_is_refused_with_an_error_summary(api_world, login):
    member = api_world.world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    response = login(member.user).post(reverse("api_tokens:create", kwargs={"org": member.organisation.slug}),
                                       {"name": ""})
    assert response.status_code == 400
    assert "Enter what the token is for" in response.content.decode()
    assert _tokens() == []


def test_a_revoked_token_gets_401_at_once(api_world, login):
    member = api_world.world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    raw = make_token(member)
    api = api_client(raw)
    assert api.get(REGISTERS).status_code == 200
    (token,) = _tokens()
    client = login(member.user)
    url = reverse("api_tokens:revoke", kwargs={"org": member.organisation.slug, "pk": token.pk})
    assert client.get(url).status_code == 200

    response = client.post(url)

    assert response.status_code == 302
    refused = api.get(REGISTERS)
    assert refused.status_code == 401 and refused.json()["detail"]
    assert refused["WWW-Authenticate"].startswith("Bearer")
    listing = client.get(reverse("api_tokens:list", kwargs={"org": member.organisation.slug})).content.decode()
    assert "Revoked" in listing
    assert client.post(url).status_code == 404  # already revoked: nothing left to revoke


def test_no_token_or_a_wrong_one_gets_401(api_world):
    raw = api_world.token(K.PROVIDER, Role.PROVIDER_STAFF)
    for client in (api_client(None), api_client("nonsense"), api_client(raw[:-2] + "xx"),
                   api_client(raw.replace("apc_", "xyz_"))):
        response = client.get(REGISTERS)
        assert response.status_code == 401, response.content
        assert response["Content-Type"] == "application/json"


def test_a_token_stops_working_when_its_membership_ends(api_world):
    member = api_world.world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    api = api_client(make_token(member))
    with scopes_disabled():
        member.is_active = False
        member.save()
    assert api.get(REGISTERS).status_code == 401


def test_last_used_is_recorded(api_world):
    member = api_world.world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    api = api_client(make_token(member))
    assert _tokens()[0].last_used_at is None
    api.get(REGISTERS)
    assert _tokens()[0].last_used_at is not None


def test_a_person_sees_and_revokes_only_their_own_tokens(api_world, login):
    staff = api_world.world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    manager = api_world.world.member(K.PROVIDER, Role.PROVIDER_MANAGER)
    make_token(manager, name="Manager's MIS link")
    (theirs,) = _tokens()
    client = login(staff.user)
    org = staff.organisation.slug
    assert "Manager&#x27;s MIS link" not in client.get(reverse("api_tokens:list", kwargs={"org": org})).content.decode()
    assert client.post(reverse("api_tokens:revoke", kwargs={"org": org, "pk": theirs.pk})).status_code == 404
    assert _tokens()[0].revoked_at is None


def test_provider_roles_that_follow_attendance_find_the_page_in_the_navigation(api_world, login):
    from bs4 import BeautifulSoup

    def nav(kind, role):
        member = api_world.world.member(kind, role)
        page = login(member.user).get(reverse("dashboard", kwargs={"org": member.organisation.slug}))
        return [a.get_text(strip=True) for a in BeautifulSoup(page.content, "html.parser").select("#navigation a")]

    assert "API tokens" in nav(K.PROVIDER, Role.PROVIDER_STAFF)
    assert "API tokens" not in nav(K.PROVIDER, Role.ORG_ADMIN)
    assert "API tokens" not in nav(K.SCHOOL, Role.ATTENDANCE_OFFICER)
