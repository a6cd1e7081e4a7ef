"""The incident and safeguarding concern forms in Chromium at 375 px (issue 12 item 6): provider staff
record an accident (an error first, then the summary links to the field) and raise a concern; axe-core
finds no serious or critical violation on either form, the error summary or the incident list, and
no page is wider than the phone."""

from __future__ import annotations

import pytest

from accounts.factories import TEST_PASSWORD
from placements.factories import placement_in_state
from safeguarding.models import Incident, SafeguardingConcern
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


def test_incident_and_concern_forms_on_a_phone(browser_world, mobile_page, axe_check, settings):
    world = browser_world
    settings.APC_CLOCK_NOW = WORLD_NOW.isoformat()
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active",
                                   now=WORLD_NOW)
    page = mobile_page
    sign_in(page, world.user(K.PROVIDER, Role.PROVIDER_STAFF).email, TEST_PASSWORD)

    page.goto(f"/o/provider-a/placements/{placement.pk}/incidents/new/?kind=accident")
    page.get_by_role("heading", name="Record a health and safety accident").wait_for()
    _clean(page, axe_check)
    page.get_by_role("button", name="Record the incident").click()
    page.locator(".govuk-error-summary").wait_for()
    _clean(page, axe_check)
    page.locator("#id_date_0").fill("24")
    page.locator("#id_date_1").fill("11")
    page.locator("#id_date_2").fill("2026")
    page.get_by_label("Time of the incident").fill("10:30")
    page.get_by_label("Where did it happen?").fill("Kitchen")
    page.get_by_label("What happened?").fill("Burnt a hand on a tray")
    page.get_by_label("What action was taken?").fill("Cooled under water")
    page.get_by_label("What was the injury?").fill("Small burn")
    page.get_by_label("What first aid was given?").fill("Cooled and dressed")
    page.get_by_label("No").check()
    page.get_by_role("button", name="Record the incident").click()
    page.get_by_role("heading", name="Incidents").wait_for()
    _clean(page, axe_check)
    with scopes_disabled():
        assert Incident.objects.filter(placement=placement, kind="accident").count() == 1

    page.goto(f"/o/provider-a/placements/{placement.pk}/concerns/new/")
    page.get_by_role("heading", name="Raise a safeguarding concern").wait_for()
    _clean(page, axe_check)
    page.locator("#id_date_0").fill("24")
    page.locator("#id_date_1").fill("11")
    page.locator("#id_date_2").fill("2026")
    page.get_by_label("Time it happened or was noticed").fill("09:00")
    page.get_by_label("What happened or what did you notice?").fill("Said something worrying")
    page.get_by_label("Who was involved, and who have you told?").fill("Me")
    page.get_by_label("What immediate action was taken?").fill("Told the DSL")
    page.get_by_role("button", name="Send to the safeguarding leads").click()
    page.locator(".govuk-notification-banner, .govuk-heading-l").first.wait_for()
    with scopes_disabled():
        assert SafeguardingConcern.objects.filter(placement=placement).count() == 1
