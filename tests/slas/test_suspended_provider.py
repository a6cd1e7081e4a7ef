"""A provider the school's LA has suspended ("schools should not commission new places") gets no
new SLA; SLAs already in force can still be amended (and the amendment signed) or ended."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from providers.models import ListingStatus, ProviderListing
from providers.selectors import listing_status
from slas import services
from slas.factories import draft_sla
from slas.models import ServiceLevelAgreement, SLAStatus
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope, scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _set_status(world, status, side="a"):
    with scopes_disabled():
        ProviderListing.objects.filter(provider=world.org(K.PROVIDER, side)).update(status=status)


def _sign(sla, member):
    with scope(organisation=member.organisation):
        return services.sla_sign(sla=sla, membership=member, typed_name=member.user.full_name,
                                 position="Lead", now=NOW)


def test_listing_status_reads_the_las_status_for_the_provider(world):
    provider, la = world.org(K.PROVIDER), world.org(K.LOCAL_AUTHORITY)
    for status in ListingStatus.values:
        _set_status(world, status)
        for org in (world.org(K.SCHOOL), la, provider):  # everyone who can see the listing
            with scope(organisation=org):
                assert listing_status(provider, la) == status
    with scope(organisation=world.org(K.SCHOOL)):
        assert listing_status(provider, world.org(K.LOCAL_AUTHORITY, "b")) is None  # not listed there


def test_a_new_sla_with_a_suspended_provider_is_refused(world, school_lead):
    _set_status(world, ListingStatus.SUSPENDED)
    with scope(organisation=school_lead.organisation), pytest.raises(ValidationError) as caught:
        services.sla_create(school=school_lead.organisation, provider=world.org(K.PROVIDER),
                            created_by=school_lead.user, now=NOW)
    message = caught.value.messages[0]
    assert "LA A has suspended Provider A" in message and "You cannot start a new SLA with it" in message
    with scopes_disabled():
        assert not ServiceLevelAgreement.objects.exists()


@pytest.mark.parametrize("status", [ListingStatus.LISTED, ListingStatus.APPROVED])
def test_listed_and_approved_providers_can_be_given_a_new_sla(world, school_lead, status):
    _set_status(world, status)
    with scope(organisation=school_lead.organisation):
        sla = services.sla_create(school=school_lead.organisation, provider=world.org(K.PROVIDER),
                                  created_by=school_lead.user, now=NOW)
    assert sla.status == SLAStatus.DRAFT


def test_the_create_page_shows_the_reason(world, login, school_lead):
    _set_status(world, ListingStatus.SUSPENDED)
    client = login(school_lead.user)
    response = client.post(reverse("slas:create", kwargs={"org": "school-a"}),
                           {"provider": world.org(K.PROVIDER).pk, "template": "default"})
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "has suspended Provider A in its directory" in html
    with scopes_disabled():
        assert not ServiceLevelAgreement.objects.exists()


def test_a_draft_made_before_the_suspension_cannot_be_sent_or_signed(world, school_lead, provider_manager):
    draft = draft_sla(school=school_lead.organisation, provider=world.org(K.PROVIDER), by=school_lead.user)
    sent = draft_sla(school=school_lead.organisation, provider=world.org(K.PROVIDER), by=school_lead.user)
    with scope(organisation=school_lead.organisation):
        services.sla_send(sla=sent, by=school_lead.user, now=NOW)
    _set_status(world, ListingStatus.SUSPENDED)
    with scope(organisation=school_lead.organisation), pytest.raises(ValidationError, match="send it a new SLA"):
        services.sla_send(sla=draft, by=school_lead.user, now=NOW)
    for member in (provider_manager, school_lead):
        with pytest.raises(ValidationError, match="sign a new SLA with it"):
            _sign(sent, member)
    sent.refresh_from_db()
    assert sent.status == SLAStatus.SENT


def test_an_sla_in_force_can_still_be_amended_signed_again_and_ended(world, signed, school_lead, provider_manager):
    """Suspension stops new commissioning; the pupils already placed keep an agreement that can
    change (fewer hours, new end date) and be ended."""
    _set_status(world, ListingStatus.SUSPENDED)
    with scope(organisation=school_lead.organisation):
        v2 = services.sla_amend(sla=signed, by=school_lead.user, now=NOW)
        v2 = services.sla_update_schedule(sla=v2, data={"hours_per_week": "6.0"}, now=NOW)
        services.sla_send(sla=v2, by=school_lead.user, now=NOW)
    _sign(v2, provider_manager)
    _sign(v2, school_lead)
    v2.refresh_from_db()
    assert v2.status == SLAStatus.SIGNED and v2.version == 2
    with scope(organisation=school_lead.organisation):
        ended = services.sla_terminate(sla=v2, on=NOW.date(), reason="Provider suspended by the LA",
                                       by=school_lead.user, now=NOW)
    assert ended.status == SLAStatus.TERMINATED
