"""Issue 14 in the browser.

1. The LA's AP officer filters the children-in-AP view to one school's part-time timetables, sees
   those rows only, downloads the Excel file and it holds exactly those rows (names and UPNs: the
   officer reads identity); axe-core finds no serious or critical violation on the view.
2. Every issue-14 page, charts included, as the role that uses it, on hand-built data: axe-core
   finds no serious or critical violation and nothing is wider than a 375 px phone. The demo crawl
   (test_phone_width.py) reaches most of these pages, but not a draft invoice's line or its "send"
   page (the demo has no draft invoice), and it only reaches what the demo happens to hold; this
   test builds each page's content itself.
"""

from __future__ import annotations

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.oversight.test_area_support import NOW as AREA_NOW
from tests.oversight.test_area_support import add_children

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _signed_in(context, user, live_server) -> None:
    """The user's session cookie in the browser context (signing in has its own browser tests)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def shared_world(transactional_db):
    """build_world(second_school=True): school c is LA a's other school, with PupilC at provider a."""
    from tests.conftest import build_world

    return build_world(second_school=True)


def test_the_la_filters_children_in_ap_and_downloads_those_rows(shared_world, new_context, live_server, axe_check,
                                                                settings):
    world = shared_world
    settings.APC_CLOCK_NOW = AREA_NOW.isoformat()
    school_a, school_c, provider_a = world.org(K.SCHOOL), world.org(K.SCHOOL, "c"), world.org(K.PROVIDER)
    part_time = add_children(school_a, provider_a, 2, last_name="Parttime", part_time=True)
    add_children(school_a, provider_a, 1, last_name="Fulltime")
    add_children(school_c, provider_a, 1, last_name="Otherschool", part_time=True)
    add_children(world.org(K.SCHOOL, "b"), world.org(K.PROVIDER, "b"), 1, last_name="Otherla", part_time=True)
    context = new_context()
    _signed_in(context, world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER), live_server)
    page = context.new_page()

    page.goto("/o/la-a/")
    page.get_by_role("link", name="Children in AP").first.click()
    rows = page.get_by_test_id("area-row")
    expect(rows).to_have_count(5)  # 3 + 1 (school c) + PupilC's placement; never LA b's
    page.get_by_label("School", exact=True).select_option(label="School A")
    page.get_by_label("Part-time timetables only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Parttime, Child")
    for row in rows.all():
        expect(row).to_contain_text("School A")
        expect(row).to_contain_text("Part-time")
    expect(page.get_by_test_id("area-table")).not_to_contain_text("Otherschool")
    expect(page.get_by_test_id("area-table")).not_to_contain_text("Fulltime")
    violations = axe_check(page)
    assert not violations, violations

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX) file of children in alternative provision").click()
    assert download.value.suggested_filename == "children-in-ap-la-a-2026-11-25.xlsx"
    with open(download.value.path(), "rb") as xlsx:  # Playwright's copy has no ".xlsx": open it as a file
        header, *body = list(openpyxl.load_workbook(xlsx, read_only=True).active.iter_rows(values_only=True))
    assert header[:4] == ("Pupil", "UPN", "Year group", "School")
    with scopes_disabled():
        expected = sorted((f"{p.pupil.last_name}, {p.pupil.first_name}", p.pupil.upn) for p in part_time)
    assert sorted((r[0], r[1]) for r in body) == expected
    assert {r[3] for r in body} == {"School A"}
    cells = " ".join(str(v) for r in body for v in r)
    assert "Otherschool" not in cells and "Fulltime" not in cells and "Otherla" not in cells
