"""The provider's UKPRN (UK Register of Learning Providers): optional, 8 digits starting with 1,
entered on the provider's own profile, read by schools and LA officers on the directory page (the
census and inspection lists export it: tests/oversight/test_census.py)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from providers.models import ProviderProfile
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope

from .conftest import manager, profile
from .test_pack_views import PROFILE, errors

UKPRN_ERROR = "Enter a UKPRN of 8 digits starting with 1, like 10012345"


def saved_ukprn(world) -> str:
    with scope(organisation=world.org(K.PROVIDER)):
        return ProviderProfile.objects.get(provider=world.org(K.PROVIDER)).ukprn


def edit(client, **fields):
    return client.post(reverse("providers:profile_edit", kwargs={"org": "provider-a"}), {**PROFILE, **fields})


@pytest.mark.parametrize("typed", ["1234567", "20012345", "1001234A", "100123456", "10 012 345 6"])
def test_a_ukprn_that_is_not_8_digits_starting_1_is_refused_with_the_gov_uk_message(world, login, typed):
    response = edit(login(manager(world)), ukprn=typed)
    assert response.status_code == 200
    assert errors(response) == [UKPRN_ERROR]
    soup = BeautifulSoup(response.content, "html.parser")
    field = soup.select_one("#id_ukprn")
    assert UKPRN_ERROR in soup.select_one(f"#{field['aria-describedby'].split()[-1]}").get_text()  # by the field too
    assert soup.select_one("#id_ukprn")["value"] == typed  # what was typed is kept to correct


@pytest.mark.parametrize("typed,kept", [("10012345", "10012345"), ("1001 2345", "10012345"), ("", "")])
def test_a_ukprn_is_optional_and_spaces_typed_in_it_are_dropped(world, login, typed, kept):
    response = edit(login(manager(world)), ukprn=typed)
    assert response.status_code == 302, errors(response)
    assert saved_ukprn(world) == kept


@pytest.mark.parametrize("side,role", [(K.SCHOOL, Role.AP_LEAD), (K.LOCAL_AUTHORITY, Role.AP_OFFICER)])
def test_the_directory_page_shows_the_ukprn(world, login, side, role):
    provider = world.org(K.PROVIDER)
    profile(world, ukprn="10054321")
    org = world.org(side).slug
    page = login(world.user(side, role)).get(
        reverse("providers:directory_provider", kwargs={"org": org, "provider_pk": provider.pk}))
    soup = BeautifulSoup(page.content, "html.parser")
    row = next(r for r in soup.select(".govuk-summary-list__row")
               if r.select_one(".govuk-summary-list__key").get_text(strip=True) == "UKPRN")
    assert row.select_one(".govuk-summary-list__value").get_text(strip=True) == "10054321"
