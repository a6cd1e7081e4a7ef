"""A review meeting recorded on a phone (375 px) (issue 12 item 4): the AP lead opens the form from the
placement's monitoring page, is told what is missing (the error summary links to each question),
completes it and submits it; axe-core finds no serious or critical violation on the form, its error
summary or the record, and no page is wider than the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.factories import TEST_PASSWORD
from monitoring.models import ReviewMeeting
from placements.factories import placement_in_state
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.conftest import WORLD_NOW

from .helpers import horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _clean(page, axe_check):
    violations = axe_check(page)
    assert not violations, violations
    assert horizontal_overflow(page) == 0


def test_a_review_meeting_is_recorded_on_a_phone(browser_world, mobile_page, axe_check, settings):
    world = browser_world
    settings.APC_CLOCK_NOW = WORLD_NOW.isoformat()
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active",
                                   now=WORLD_NOW)
    page = mobile_page
    sign_in(page, world.user(K.SCHOOL, Role.AP_LEAD).email, TEST_PASSWORD)

    page.goto(f"/o/school-a/placements/{placement.pk}/monitoring/")
    page.get_by_role("link", name="Record a review meeting").click()
    expect(page.get_by_role("heading", name="Record a review meeting")).to_be_visible()
    _clean(page, axe_check)

    page.get_by_role("button", name="Submit the review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select what happens to target 1")
    expect(summary).to_contain_text("Enter the date of the next review meeting")
    _clean(page, axe_check)

    page.get_by_role("group", name="Were the parents or carers invited?").get_by_label("No").check()
    page.get_by_role("group", name="Were there any safeguarding queries or concerns?").get_by_label("No").check()
    page.get_by_label("Comments").fill("A good half term.")
    page.get_by_role("group", name="Target 1: 95% attendance at the provider").get_by_label("Kept").check()
    next_review = page.get_by_role("group", name="Date of the next review meeting")
    next_review.get_by_label("Day").fill("20")
    next_review.get_by_label("Month").fill("1")
    next_review.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Submit the review").click()
    expect(page.get_by_role("heading", name="Review meeting", exact=True)).to_be_visible()
    expect(page.get_by_test_id("targets")).to_contain_text("Kept")
    _clean(page, axe_check)
    with scopes_disabled():
        assert ReviewMeeting.objects.get(placement=placement).submitted
