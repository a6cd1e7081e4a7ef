"""The children-in-AP view when nothing is there to show: it says so, offers a way out of the
filters and no download of an empty file (issue 14 item 2)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

from .test_area_support import add_children
from .test_area_views import _get


@pytest.fixture
def officer(world, login):
    return login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))


def _page(response):
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    main = soup.select_one("main")
    return soup, " ".join(main.get_text(" ").split())


def _export_links(soup) -> list[str]:
    return [a["href"] for a in soup.select("main a[download]")]


def test_a_filter_matching_nobody_says_so_and_offers_no_download(world, officer):
    add_children(world.org(K.SCHOOL), world.org(K.PROVIDER), 2, last_name="Present")
    soup, text = _page(_get(officer, world, q="nobody-is-called-this"))
    assert "No children match these filters." in text
    assert "Download" not in text and _export_links(soup) == []
    assert "How many, and where" not in text, "three tables of 'None' say nothing the empty state does not"
    clear = soup.select_one('[data-testid="area-empty"] a')
    assert clear.get_text(strip=True) == "clear the filters" and clear["href"] == "?"


def test_no_child_in_ap_at_all_says_so_without_filter_wording(world, officer):
    soup, text = _page(_get(officer, world))
    assert "No children from a school in your area are in alternative provision at the moment." in text
    assert "match these filters" not in text
    assert "Download" not in text and _export_links(soup) == []


def test_a_filter_with_rows_offers_the_download_of_those_rows(world, officer):
    add_children(world.org(K.SCHOOL), world.org(K.PROVIDER), 1, last_name="Present")
    soup, text = _page(_get(officer, world, q="present"))
    assert "Download the 1 filtered row: CSV" in text
    assert all("q=present" in href for href in _export_links(soup)) and len(_export_links(soup)) == 2
    assert "No children match" not in text and "How many, and where" in text
