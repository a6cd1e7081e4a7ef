"""The directory: search and filters, constant queries, LA officers keeping it."""


import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Invitation
from bench.directory import SEARCH, add_providers
from providers.factories import OfferFactory, PupilGroupFactory
from providers.models import ListingStatus, ProviderListing, ProviderProfile, SubjectArea
from providers.selectors import DirectoryFilters, directory_listings
from providers.services import pupil_group_add
from tenancy.models import Organisation
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW, manager, profile


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


def names(world, side="a", kind=K.SCHOOL, **filters):
    with scope(organisation=world.org(kind, side)):
        return [row.provider.name for row in directory_listings(DirectoryFilters(**filters))]


@pytest.fixture
def directory(world):
    """LA a lists provider a (motor vehicle, Tue/Thu, SEND) and two more providers."""
    la = world.org(K.LOCAL_AUTHORITY)
    profile(world, "a", send_suitable=True)
    OfferFactory(provider=world.org(K.PROVIDER), title="Light vehicle maintenance", subject=SubjectArea.MOTOR_VEHICLE)
    with scopes_disabled():
        farm = Organisation.objects.create(kind=K.PROVIDER, name="Green Farm", slug="green-farm", local_authority=la)
        outside = Organisation.objects.create(kind=K.PROVIDER, name="Border Boxing", slug="border-boxing",
                                              local_authority=world.org(K.LOCAL_AUTHORITY, "b"))
        ProviderListing.objects.create(local_authority=la, provider=farm, status=ListingStatus.APPROVED)
        ProviderListing.objects.create(local_authority=la, provider=outside)
        ProviderProfile.objects.create(provider=farm, registration_status="registered", dfe_urn="123456", send_suitable=False)
        ProviderProfile.objects.create(provider=outside, postcode="BB1 1AA")
    OfferFactory(provider=farm, title="Animal care", subject=SubjectArea.LAND_ANIMAL, on_tue=False, on_thu=False, on_mon=True,
                 qualification="City & Guilds Level 1 Land-based")
    OfferFactory(provider=outside, title="Boxing mentoring", subject=SubjectArea.SPORT, on_fri=True, on_tue=False, on_thu=False)
    return world


def test_school_sees_its_las_directory_only(directory):
    assert names(directory) == ["Border Boxing", "Green Farm", "Provider A"]
    assert names(directory, "b") == ["Provider B"]


@pytest.mark.parametrize("filters,expected", [
    ({"q": "farm"}, ["Green Farm"]),
    ({"q": "vehicle"}, ["Provider A"]),  # course title
    ({"q": "guilds"}, ["Green Farm"]),  # qualification
    ({"q": "BB1"}, ["Border Boxing"]),  # postcode
    ({"q": "green animal"}, ["Green Farm"]),  # every word must match
    ({"subject": SubjectArea.SPORT}, ["Border Boxing"]),
    ({"registration": "registered"}, ["Green Farm"]),
    ({"registration": "unregistered"}, ["Border Boxing", "Provider A"]),
    ({"status": ListingStatus.APPROVED}, ["Green Farm"]),
    ({"send": True}, ["Provider A"]),
    ({"days": ("mon",)}, ["Green Farm"]),
    ({"days": ("tue", "thu")}, ["Provider A"]),
    ({"days": ("mon", "fri")}, []),
])
def test_filters(directory, filters, expected):
    assert names(directory, **filters) == expected


def test_area_filter_is_the_providers_home_area(directory):
    assert names(directory, area=directory.org(K.LOCAL_AUTHORITY, "b").pk) == ["Border Boxing"]


def test_must_register_filter(directory):
    provider = directory.org(K.PROVIDER)
    with scope(organisation=provider):
        pupil_group_add(provider=provider, by=manager(directory), now=NOW, data={
            "description": "Full-time KS4", "pupils": 1, "weekly_hours": 25, "looked_after": 1})
    assert names(directory, registration="must_register") == ["Provider A"]


def test_directory_page_renders_filters_and_rows(directory, login):
    client = login(directory.user(K.SCHOOL, Role.AP_LEAD))
    response = client.get(reverse("providers:directory", kwargs={"org": "school-a"}) + "?q=farm&days=mon")
    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert soup.find("h2", string="1 provider")
    assert [a.get_text() for a in soup.select("h3 a")] == ["Green Farm"]
    assert "Missing or expired" in response.content.decode()  # RAG for a provider with no documents
    assert "No suitability check by your school yet" in response.content.decode()


def test_la_officer_uses_the_same_directory(directory, login):
    client = login(directory.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    response = client.get(reverse("providers:directory", kwargs={"org": "la-a"}))
    assert response.status_code == 200
    assert "Add a provider" in response.content.decode()
    response = client.get(reverse("providers:directory_provider",
                                  kwargs={"org": "la-a", "provider_pk": directory.org(K.PROVIDER).pk}))
    assert response.status_code == 200 and "Change status" in response.content.decode()
    response = client.get(reverse("providers:directory_provider",
                                  kwargs={"org": "la-a", "provider_pk": directory.org(K.PROVIDER, "b").pk}))
    assert response.status_code == 404


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_directory_queries_are_constant_up_to_5000_providers(db, login):
    la = Organisation.objects.create(kind=K.LOCAL_AUTHORITY, name="Big LA", slug="big-la")
    school = Organisation.objects.create(kind=K.SCHOOL, name="Big School", slug="big-school", local_authority=la)
    from accounts.factories import UserFactory
    from tenancy.factories import MembershipFactory

    user = UserFactory(email="lead@big.example")
    MembershipFactory(user=user, organisation=school, role=Role.AP_LEAD)
    client = login(user)
    base = reverse("providers:directory", kwargs={"org": school.slug})
    add_providers(la, 10)
    small = (_count(client, base), _count(client, base + SEARCH))
    add_providers(la, 4990, start=10)
    response = client.get(base)
    assert "5000 providers" in response.content.decode()
    large = (_count(client, base), _count(client, base + SEARCH))
    assert small == large
    assert large[0] <= 17  # 17 since the header shows the unread notifications count (one indexed COUNT)


def test_la_adds_a_new_provider_and_invites_its_first_admin(world, login, mailoutbox, django_capture_on_commit_callbacks):
    client = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    url = reverse("providers:directory_add", kwargs={"org": "la-a"})
    response = client.post(url, {"action": "create", "name": "", "postcode": "nope"})
    assert "govuk-error-summary" in response.content.decode() and "Enter the provider" in response.content.decode()
    response = client.post(url, {"action": "create", "name": "New  Horizons Tuition", "postcode": "ns1 4ab"})
    with scopes_disabled():
        provider = Organisation.objects.get(name="New Horizons Tuition")
        assert provider.kind == K.PROVIDER and provider.postcode == "NS1 4AB"
        assert ProviderListing.objects.get(provider=provider).local_authority == world.org(K.LOCAL_AUTHORITY)
        assert ProviderProfile.objects.filter(provider=provider).exists()
    invite_url = reverse("providers:provider_invite", kwargs={"org": "la-a", "provider_pk": provider.pk})
    assert response["Location"] == invite_url
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url, {"full_name": "Nia Head", "email": "nia@newhorizons.example",
                                            "role": "provider_manager"})
    assert response.status_code == 302
    with scopes_disabled():
        invitation = Invitation.objects.get(email="nia@newhorizons.example")
    assert invitation.organisation == provider and invitation.role == Role.PROVIDER_MANAGER
    assert len(mailoutbox) == 1
    # the same name and postcode again is refused
    response = client.post(url, {"action": "create", "name": "New Horizons Tuition", "postcode": "NS1 4AB"})
    assert "already on the service" in response.content.decode()


def test_la_cannot_invite_into_a_provider_that_has_people(world, login):
    client = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    url = reverse("providers:provider_invite", kwargs={"org": "la-a", "provider_pk": world.org(K.PROVIDER).pk})
    response = client.post(url, {"full_name": "Spy", "email": "spy@example.org", "role": "provider_manager"})
    assert response.status_code == 200 and "already uses the service" in response.content.decode()
    with scopes_disabled():
        assert not Invitation.objects.filter(email="spy@example.org").exists()


def test_la_lists_an_existing_provider_from_another_area(world, login):
    client = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    url = reverse("providers:directory_add", kwargs={"org": "la-a"})
    response = client.get(url + "?q=provider")
    assert "Provider B" in response.content.decode() and ">Provider A<" not in response.content.decode()
    provider_b = world.org(K.PROVIDER, "b")
    response = client.post(url, {"action": "list", "provider": provider_b.pk})
    assert response.status_code == 302
    assert names(world, "a") == ["Provider A", "Provider B"]
    # Listing it again is refused with the reason in the page's error summary.
    response = client.post(url, {"action": "list", "provider": provider_b.pk})
    assert response.status_code == 400
    assert "This provider is already in your directory." in BeautifulSoup(
        response.content, "html.parser").select_one(".govuk-error-summary").get_text()
    response = client.post(url, {"action": "list", "provider": "x"})
    assert response.status_code == 404


def test_la_changes_listing_status(world, login):
    client = login(world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER))
    provider = world.org(K.PROVIDER)
    url = reverse("providers:listing_status", kwargs={"org": "la-a", "provider_pk": provider.pk})
    assert "Select a status" in client.post(url, {}).content.decode()
    assert client.post(url, {"status": "approved"}).status_code == 302
    with scopes_disabled():
        listing = ProviderListing.objects.get(provider=provider)
    assert listing.status == "approved" and listing.status_changed_by == world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER)


def test_school_cannot_use_la_pages(world, login):
    client = login(world.user(K.SCHOOL, Role.HEADTEACHER))
    assert client.get(reverse("providers:directory_add", kwargs={"org": "school-a"})).status_code == 403


def test_provider_cannot_browse_the_directory(world, login):
    client = login(manager(world))
    assert client.get(reverse("providers:directory", kwargs={"org": "provider-a"})).status_code == 403


def test_registration_result_shows_in_the_directory(world, login):
    provider = world.org(K.PROVIDER)
    profile(world)
    PupilGroupFactory(provider=provider, pupils=5, weekly_hours=20)
    with scope(organisation=provider):
        pupil_group_add(provider=provider, by=manager(world), now=NOW, data={"description": "PT", "pupils": 2,
                                                                              "weekly_hours": 10})
    html = login(world.user(K.SCHOOL, Role.AP_LEAD)).get(
        reverse("providers:directory_provider", kwargs={"org": "school-a", "provider_pk": provider.pk})).content.decode()
    assert "Registration required" in html and "5 pupils of compulsory school age attend full time" in html
    assert "do not commission places" in html
