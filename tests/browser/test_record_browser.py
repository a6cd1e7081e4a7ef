"""The placement record on a phone (375 px) (issue 14 item 1): the school's AP lead follows
"Placement record" from the placement page and "Placement record across all placements" from the
pupil page, reads the attendance, the reviewed targets and the incident counts, and downloads the
PDF; axe-core finds no serious or critical violation on either record and neither is wider than
the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.factories import TEST_PASSWORD
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tests.oversight.test_record import NOW, PROGRESS, _record_data

from .helpers import horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _clean(page, axe_check):
    violations = axe_check(page)
    assert not violations, violations
    assert horizontal_overflow(page) == 0


def test_the_placement_record_is_read_and_downloaded_on_a_phone(browser_world, mobile_page, axe_check, settings):
    world = browser_world
    settings.APC_CLOCK_NOW = NOW.isoformat()
    placement = _record_data(world)
    page = mobile_page
    sign_in(page, world.user(K.SCHOOL, Role.AP_LEAD).email, TEST_PASSWORD)

    page.goto(f"/o/school-a/placements/{placement.pk}/")
    page.get_by_role("link", name="Placement record", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PupilA")
    expect(page.get_by_test_id("attendance")).to_contain_text("75.0% (3 of 4 sessions)")
    expect(page.get_by_test_id("targets")).to_contain_text(PROGRESS)
    expect(page.get_by_test_id("incidents")).to_contain_text("Behaviour incidents")
    _clean(page, axe_check)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this record (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.goto(f"/o/school-a/pupils/{placement.pupil_id}/")
    page.get_by_role("link", name="Placement record across all placements").click()
    expect(page.get_by_test_id("totals")).to_contain_text("75.0% (3 of 4 sessions)")
    expect(page.get_by_test_id("placement-record")).to_have_count(1)
    _clean(page, axe_check)
