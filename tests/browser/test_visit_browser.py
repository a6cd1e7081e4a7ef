"""Recording a half-termly visit on a tablet (768 px) by keyboard only (issue 12 item 2): the AP
lead tabs through the visit proforma, is told what is missing, completes it and submits it; axe-core
finds no serious or critical violation on the form, its error summary, the record or the monitoring
page, and no page is wider than the tablet."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.factories import TEST_PASSWORD
from monitoring.models import Visit
from placements.factories import placement_in_state
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.conftest import WORLD_NOW

from .helpers import horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
TABLET = 768
MAX_TABS = 80


def _clean(page, axe_check):
    violations = axe_check(page)
    assert not violations, violations
    assert horizontal_overflow(page) == 0


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_visit_is_logged_by_keyboard_at_tablet_width(browser_world, new_context, axe_check, settings):
    world = browser_world
    settings.APC_CLOCK_NOW = WORLD_NOW.isoformat()
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active",
                                   now=WORLD_NOW)
    page = new_context(width=TABLET).new_page()
    sign_in(page, world.user(K.SCHOOL, Role.AP_LEAD).email, TEST_PASSWORD)

    page.goto(f"/o/school-a/placements/{placement.pk}/monitoring/")
    page.get_by_role("heading", name="Visits", exact=True).wait_for()
    _clean(page, axe_check)
    tab_to(page, "a.govuk-button")  # "Record a visit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("heading", name="Record a visit").wait_for()
    _clean(page, axe_check)

    # Submitting at once: the date is today's, but the safeguarding and parent answers are missing.
    tab_to(page, "button[name=submit], input[name=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator(".govuk-error-summary").wait_for()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select yes if there were safeguarding concerns")
    _clean(page, axe_check)

    page.locator("body").focus()
    tab_to(page, "#id_visited_on_0")
    page.keyboard.press("Control+A")
    page.keyboard.type("24")
    tab_to(page, "#id_visited_time")
    page.keyboard.type("10:30")
    tab_to(page, "textarea[name=behaviour_welfare]")
    page.keyboard.type("Calm and engaged in the workshop.")
    tab_to(page, "input[name=safeguarding_concerns]")
    page.keyboard.press("ArrowRight")  # from Yes to No (radios move and check with the arrow keys)
    tab_to(page, "input[name=parent_contacted]")
    page.keyboard.press("Space")  # Yes
    tab_to(page, "button[name=submit], input[name=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("heading", name="Visit record", exact=True).wait_for()
    assert "Calm and engaged in the workshop." in page.content()
    _clean(page, axe_check)

    with scopes_disabled():
        visit = Visit.objects.get(placement=placement)
    assert visit.submitted and visit.safeguarding_concerns is False and visit.parent_contacted is True
    assert visit.visited_on.day == 24 and visit.visited_time.strftime("%H:%M") == "10:30"
