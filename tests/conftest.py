from __future__ import annotations

import copy
import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.db import transaction

from accounts.factories import TEST_PASSWORD, UserFactory
from placements.factories import PupilFactory
from providers.models import ProviderListing
from tenancy.factories import MembershipFactory, OrganisationFactory
from tenancy.roles import ROLE_KINDS, OrganisationKind
from tenancy.scoping import scopes_disabled

try:  # Playwright's expect() retries until true; on a busy shared CI machine give it the same 15 s as actions.
    from playwright.sync_api import expect as _playwright_expect

    _playwright_expect.set_options(timeout=15_000)
except ImportError:  # pragma: no cover - the test environment installs playwright
    pass

SIDES = ("a", "b")
# Side "c": a second school in side a's LA, not in trust a, whose pupil has a live placement at
# provider a — so provider a serves two schools, and trust a's school has a non-trust neighbour.
SECOND_SCHOOL = "c"
WORLD_NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@dataclass
class World:
    """Two of everything: side "a" and side "b" never see each other's data.

    Each side has an LA, a trust, a school (in that LA and trust) and a provider (listed by that
    LA), and one member for every role of every organisation kind.

    With `build_world(second_school=True)` (fixture `shared_provider_world`), also side "c": school c (in LA a, in no trust, with a member for every school role) whose pupil
    (`pupils["c"]`, looked after, with an EHC plan) is in an active placement at provider a
    (`placements["c"]`). `org(kind, "c")` gives school c for schools and the organisations it shares
    with side a (LA a, provider a) for those kinds; school c has no trust.
    """

    orgs: dict = field(default_factory=dict)  # (kind, side) -> Organisation
    members: dict = field(default_factory=dict)  # (role, kind, side) -> Membership
    pupils: dict = field(default_factory=dict)  # side -> Pupil
    placements: dict = field(default_factory=dict)  # side -> Placement ("c": school c's pupil at provider a)

    def org(self, kind: str, side: str = "a"):
        if side == SECOND_SCHOOL and kind in (OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.PROVIDER):
            return self.orgs[(kind, "a")]  # school c shares LA a and provider a with side a
        return self.orgs[(kind, side)]

    def member(self, kind: str, role: str, side: str = "a"):
        if side == SECOND_SCHOOL and kind in (OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.PROVIDER):
            side = "a"
        return self.members[(role, kind, side)]

    def user(self, kind: str, role: str, side: str = "a"):
        return self.member(kind, role, side).user


def build_world(*, second_school: bool = False) -> World:
    """The two-sided World; with `second_school`, also side "c" (school c, placed at provider a)."""
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
        if second_school:
            _add_second_school(world)
    return world


def _add_second_school(world: World) -> None:
    """School c: LA a's other school (not in trust a), with a pupil placed at provider a."""
    from placements.factories import PupilSensitiveFactory, placement_in_state

    side = SECOND_SCHOOL
    school = OrganisationFactory(kind=OrganisationKind.SCHOOL, slug=f"school-{side}", name=f"School {side.upper()}",
                                 local_authority=world.org(OrganisationKind.LOCAL_AUTHORITY, "a"), trust=None)
    world.orgs[(school.kind, side)] = school
    for role in ROLE_KINDS[school.kind]:
        user = UserFactory(email=f"{role}.{school.kind}.{side}@example.org")
        world.members[(role, school.kind, side)] = MembershipFactory(user=user, organisation=school, role=role)
    pupil = PupilFactory(school=school, first_name=f"Pupil{side.upper()}")
    PupilSensitiveFactory(pupil=pupil, looked_after="statutory", sen_provision="ehcp")
    world.pupils[side] = pupil
    world.placements[side] = placement_in_state(pupil=pupil, provider=world.org(OrganisationKind.PROVIDER, "a"),
                                                state="active", now=WORLD_NOW)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def shared_provider_world(db) -> World:
    """The World plus side "c": provider a serves school a and school c (same LA, not in trust a)."""
    return build_world(second_school=True)


@contextmanager
def _built_once(django_db_blocker, **options):
    """build_world(**options) once for a module, in a transaction rolled back after the module's last
    test (as tests/browser/test_govuk_patterns.py does for the demo)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world(**options)
        transaction.set_rollback(True)


def _copy_for_one_test(built: World, request) -> World:
    assert "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames, \
        "a World built once per module is for tests in a transaction: use `world` or `shared_provider_world`"
    return copy.deepcopy(built)


@pytest.fixture(scope="module")
def _world_built_once(django_db_setup, django_db_blocker):
    with _built_once(django_db_blocker) as built:
        yield built


@pytest.fixture(scope="module")
def _shared_provider_world_built_once(django_db_setup, django_db_blocker):
    with _built_once(django_db_blocker, second_school=True) as built:
        yield built


# The World built once per module instead of once per test (~1 s each; the form checks and the
# isolation suite alone have ~700 tests). Each test runs in a savepoint inside the module's
# transaction, so what it writes is gone before the next test, and gets its own deep copy of the
# World's objects, so nothing it changes on them in memory reaches the next test either: what
# Django's TestCase.setUpTestData does. Not for transactional tests (their flush would empty the
# module's transaction): those keep `world` / `shared_provider_world`. A module takes it by
# overriding `world` (`def world(module_world): return module_world`); every test in it then sees
# that World, so none of them may build another one (`shared_provider_world`, `build_world()`):
# the slugs would clash (a UniqueViolation at set-up).
@pytest.fixture
def module_world(_world_built_once, db, request) -> World:
    """`world`, built once per module (see above)."""
    return _copy_for_one_test(_world_built_once, request)


@pytest.fixture
def module_shared_provider_world(_shared_provider_world_built_once, db, request) -> World:
    """`shared_provider_world`, built once per module (see above)."""
    return _copy_for_one_test(_shared_provider_world_built_once, request)


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
