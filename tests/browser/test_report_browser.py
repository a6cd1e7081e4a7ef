"""A provider's termly report written on a phone (375 px) (issue 12 items 5, 9): provider staff open
it from the placement's reports page, are told what is missing (attendance below 100 % needs a
commentary), complete it and submit it; axe-core finds no serious or critical violation on the list,
the form, its error summary or the report, and no page is wider than the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.factories import TEST_PASSWORD
from monitoring import reports_services
from monitoring.models import ReportState, TermlyReport
from placements.factories import placement_in_state
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.conftest import WORLD_NOW
from tests.monitoring.conftest import calendars

from .helpers import horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _clean(page, axe_check):
    violations = axe_check(page)
    assert not violations, violations
    assert horizontal_overflow(page) == 0


def test_a_termly_report_is_written_on_a_phone(browser_world, mobile_page, axe_check, settings):
    world = browser_world
    settings.APC_CLOCK_NOW = WORLD_NOW.isoformat()
    calendars(world)
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active",
                                   now=WORLD_NOW)
    reports_services.termly_reports_open(now=WORLD_NOW)
    page = mobile_page
    sign_in(page, world.user(K.PROVIDER, Role.PROVIDER_STAFF).email, TEST_PASSWORD)

    page.goto(f"/o/provider-a/placements/{placement.pk}/reports/")
    _clean(page, axe_check)
    page.get_by_role("link", name="Termly report: autumn term 2026").click()
    expect(page.get_by_role("heading", name="Termly report: autumn term 2026")).to_be_visible()
    _clean(page, axe_check)

    page.get_by_label("Attendance this term (%)").fill("92.5")
    page.get_by_role("button", name="Submit the termly report").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a commentary on attendance, as it is below 100%")
    expect(summary).to_contain_text("Enter the progress against target 1")
    _clean(page, axe_check)

    for label, text in (("Commentary on attendance", "Two days ill in November."), ("Punctuality", "On time"),
                        ("Attitude to learning", "Keen"), ("Engagement", "Asks questions"),
                        ("Behaviour", "Calm in the workshop"),
                        ("Brief summary of skills covered this term", "Measuring and cutting"),
                        ("Progress against target 1", "Attending most sessions"),
                        ("Targets for next term", "Complete unit 2")):
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Submit the termly report").click()
    expect(page.get_by_test_id("report")).to_contain_text("Two days ill in November.")
    expect(page.get_by_text("Submitted", exact=True)).to_be_visible()
    _clean(page, axe_check)
    with scopes_disabled():
        assert TermlyReport.objects.get(placement=placement).state == ReportState.SUBMITTED
