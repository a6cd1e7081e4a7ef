"""The inspection list and census pages as the school reads them: the title names the school once,
no download is offered when there is nothing to download, the tables use GOV.UK's small-text table
(not govuk-body-s, whose `overflow-wrap: anywhere` let the browser break headings mid-word: "Leavi|ng
date"), and the provider's address reads apart from its name."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.urls import reverse

from apcommission import clock
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

from .test_census import NOW, placed, url  # noqa: F401  (placed is a fixture)

PAGES = {"census_inspection": "inspection", "census_fields": "census"}  # route: the table's data-testid


def _soup(client, name, org):
    with clock.frozen(NOW):
        response = client.get(url(name, org))
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_with_rows_a_download_and_a_table_that_keeps_words_whole(placed, login):  # noqa: F811
    school = placed.org(K.SCHOOL)
    client = login(placed.user(K.SCHOOL, Role.HEADTEACHER))
    for name, testid in PAGES.items():
        soup = _soup(client, name, school)
        assert soup.title.get_text().count(school.name) == 1, soup.title
        assert [a["href"] for a in soup.select("main a[download]")] == [url(f"{name}_csv", school)]
        table = soup.select_one(f'[data-testid="{testid}"]')
        assert "govuk-body-s" not in table["class"] and "govuk-table--small-text-until-tablet" in table["class"]
    inspection = _soup(client, "census_inspection", school).select_one('[data-testid="inspection"] tbody tr')
    provider_cell = inspection.select("td")[1]
    assert provider_cell.select_one(".govuk-hint").get_text(" ", strip=True) == "1 High Street Northtown NS1 4AB"


def test_with_no_rows_no_download_of_nothing(world, login):
    school = world.org(K.SCHOOL)
    client = login(world.user(K.SCHOOL, Role.HEADTEACHER))
    for name in PAGES:
        soup = _soup(client, name, school)
        text = " ".join(soup.select_one("main").get_text(" ").split())
        assert soup.select("main a[download]") == [] and "Download" not in text, name
        assert "No placements since" in text or "No pupils are in alternative provision." in text


def test_the_area_view_title_names_the_la_once(world, login):
    la = world.org(K.LOCAL_AUTHORITY)
    client = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    with clock.frozen(NOW):
        response = client.get(reverse("oversight:area_list", kwargs={"org": la.slug}))
    title = BeautifulSoup(response.content.decode(), "html.parser").title.get_text()
    assert title.count(la.name) == 1 and title.startswith("Children in alternative provision in your area"), title
