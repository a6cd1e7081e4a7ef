from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from accounts.factories import TEST_PASSWORD, UserFactory
from placements.factories import PupilFactory
from providers.models import ProviderListing
from tenancy.factories import MembershipFactory, OrganisationFactory
from tenancy.roles import ROLE_KINDS, OrganisationKind
from tenancy.scoping import scopes_disabled

SIDES = ("a", "b")


@dataclass
class World:
    """Two of everything: side "a" and side "b" never see each other's data.

    Each side has an LA, a trust, a school (in that LA and trust) and a provider (listed by that
    LA), and one member for every role of every organisation kind.
    """

    orgs: dict = field(default_factory=dict)  # (kind, side) -> Organisation
    members: dict = field(default_factory=dict)  # (role, kind, side) -> Membership
    pupils: dict = field(default_factory=dict)  # side -> Pupil

    def org(self, kind: str, side: str = "a"):
        return self.orgs[(kind, side)]

    def member(self, kind: str, role: str, side: str = "a"):
        return self.members[(role, kind, side)]

    def user(self, kind: str, role: str, side: str = "a"):
        return self.member(kind, role, side).user


def build_world() -> World:
    world = World()
    with scopes_disabled():
        for side in SIDES:
            la = OrganisationFactory(kind=OrganisationKind.LOCAL_AUTHORITY, slug=f"la-{side}", name=f"LA {side.upper()}")
            trust = OrganisationFactory(kind=OrganisationKind.TRUST, slug=f"trust-{side}", name=f"Trust {side.upper()}")
            school = OrganisationFactory(kind=OrganisationKind.SCHOOL, slug=f"school-{side}",
                                         name=f"School {side.upper()}", local_authority=la, trust=trust)
            provider = OrganisationFactory(kind=OrganisationKind.PROVIDER, slug=f"provider-{side}",
                                           name=f"Provider {side.upper()}", local_authority=la)
            ProviderListing.objects.create(local_authority=la, provider=provider)
            for org in (la, trust, school, provider):
                world.orgs[(org.kind, side)] = org
                for role in ROLE_KINDS[org.kind]:
                    user = UserFactory(email=f"{role}.{org.kind}.{side}@example.org")
                    world.members[(role, org.kind, side)] = MembershipFactory(user=user, organisation=org, role=role)
            world.pupils[side] = PupilFactory(school=school, first_name=f"Pupil{side.upper()}")
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def login(client):
    """Sign a user in on the test client (MFA enrolment is checked separately)."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture(autouse=True)
def _no_mfa_by_default(settings, request):
    """Most tests are about other things; MFA enforcement has its own tests (marked `mfa`)."""
    if "mfa" not in request.keywords:
        settings.APC_REQUIRE_MFA = False


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


__all__ = ["TEST_PASSWORD", "World", "build_world"]
