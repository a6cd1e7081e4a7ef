"""Who sees what, through the scoping layer only (models' scope_q)."""

import datetime as dt

import pytest
from django.urls import reverse

from providers.models import (
    KcsieConfirmation,
    Offer,
    PolicyDocument,
    ProviderListing,
    ProviderProfile,
    StaffMember,
    StaffVetting,
    SuitabilityCheck,
)
from providers.selectors import directory_listings, vetting_summary
from providers.services import kcsie_confirm, suitability_check_start
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW, TODAY, add_staff, manager, profile, upload


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


PACK_MODELS = [ProviderProfile, PolicyDocument, StaffVetting, Offer, KcsieConfirmation]


@pytest.fixture
def packs(world):
    from providers.factories import OfferFactory

    for side in "ab":
        profile(world, side)
        upload(world, side)
        add_staff(world, side, full_name=f"Staff Person {side.upper()}", dbs_certificate_number=f"99887766554{ord(side) % 10}")
        OfferFactory(provider=world.org(K.PROVIDER, side))
        with scopes_disabled():
            kcsie_confirm(provider=world.org(K.PROVIDER, side), by=manager(world, side), job_title="Manager", now=NOW)
    return world


@pytest.mark.parametrize("model", PACK_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("kind", [K.PROVIDER, K.LOCAL_AUTHORITY, K.SCHOOL])
def test_pack_is_visible_to_own_provider_listing_la_and_its_schools_only(packs, model, kind):
    with scope(organisation=packs.org(kind, "a")):
        providers = set(model.objects.values_list("provider_id", flat=True))
    assert providers == {packs.org(K.PROVIDER, "a").pk}


@pytest.mark.parametrize("model", PACK_MODELS, ids=lambda m: m.__name__)
def test_trusts_see_no_pack(packs, model):
    with scope(organisation=packs.org(K.TRUST, "a")):
        assert not model.objects.exists()


@pytest.mark.parametrize("kind", [K.LOCAL_AUTHORITY, K.SCHOOL, K.TRUST])
def test_staff_personal_details_are_the_providers_only(packs, kind):
    with scope(organisation=packs.org(kind, "a")):
        assert not StaffMember.objects.exists()
    with scope(organisation=packs.org(K.PROVIDER, "a")):
        assert list(StaffMember.objects.values_list("full_name", flat=True)) == ["Staff Person A"]


def test_a_provider_never_sees_another_providers_records(packs):
    with scope(organisation=packs.org(K.PROVIDER, "b")):
        for model in [*PACK_MODELS, StaffMember]:
            assert not model.objects.filter(provider=packs.org(K.PROVIDER, "a")).exists()


def test_school_gets_counts_not_people(packs):
    with scope(organisation=packs.org(K.SCHOOL, "a")):
        summary = vetting_summary(provider=packs.org(K.PROVIDER, "a"), on=TODAY)
    assert summary.staff == 1 and summary.dbs_current == 1


def test_school_page_shows_compliance_but_no_staff_names_or_dbs_numbers(packs, login):
    client = login(packs.user(K.SCHOOL, Role.AP_LEAD))
    response = client.get(reverse("providers:directory_provider",
                                  kwargs={"org": "school-a", "provider_pk": packs.org(K.PROVIDER, "a").pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enhanced DBS checks" in html and "1 of 1 current" in html
    assert "Staff Person A" not in html and "998877665547" not in html
    assert "Safeguarding and child protection policy" in html


def test_la_sees_only_providers_in_its_directory(packs):
    with scope(organisation=packs.org(K.LOCAL_AUTHORITY, "a")):
        assert [row.provider for row in directory_listings()] == [packs.org(K.PROVIDER, "a")]
    # once LA a lists provider b too, it sees b's pack
    with scope(organisation=packs.org(K.LOCAL_AUTHORITY, "a")):
        ProviderListing.objects.create(local_authority=packs.org(K.LOCAL_AUTHORITY, "a"), provider=packs.org(K.PROVIDER, "b"))
        assert PolicyDocument.objects.filter(provider=packs.org(K.PROVIDER, "b")).exists()
    with scope(organisation=packs.org(K.SCHOOL, "a")):
        assert PolicyDocument.objects.filter(provider=packs.org(K.PROVIDER, "b")).exists()
        assert not StaffMember.objects.exists()


def test_suitability_checks_are_the_schools_own(packs):
    school = packs.org(K.SCHOOL, "a")
    with scope(organisation=school):
        suitability_check_start(school=school, provider=packs.org(K.PROVIDER, "a"),
                                by=packs.user(K.SCHOOL, Role.AP_LEAD), now=NOW)
    for kind, side, visible in [(K.SCHOOL, "a", True), (K.TRUST, "a", True), (K.SCHOOL, "b", False),
                                (K.PROVIDER, "a", False), (K.LOCAL_AUTHORITY, "a", False)]:
        with scope(organisation=packs.org(kind, side)):
            assert SuitabilityCheck.objects.exists() is visible, (kind, side)


def test_school_listing_rows_are_its_las(packs):
    with scope(organisation=packs.org(K.SCHOOL, "b")):
        assert [listing.local_authority for listing in ProviderListing.objects.all()] == [packs.org(K.LOCAL_AUTHORITY, "b")]


def test_staff_register_page_is_the_providers(packs, login):
    client = login(manager(packs))
    html = client.get(reverse("providers:staff_list", kwargs={"org": "provider-a"})).content.decode()
    assert "Staff Person A" in html and "Staff Person B" not in html
    assert dt.date(2028, 1, 10).strftime("%-d %b %Y") in html  # DBS re-check due (3 years after issue)
