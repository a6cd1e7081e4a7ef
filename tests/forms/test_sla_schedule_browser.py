"""Issue 10: the SLA schedule showed saved dates blank (a native date input cannot show them), so
saving it unchanged failed with "Enter the start date". With the GOV.UK date input the saved dates
show in Day, Month and Year, and the page saves unchanged after a reload."""

from __future__ import annotations

import pytest

from accounts.factories import TEST_PASSWORD
from slas.factories import draft_sla
from slas.models import ServiceLevelAgreement
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.browser.conftest import CHROMIUM
from tests.browser.helpers import in_own_chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_schedule_with_saved_dates_saves_unchanged_after_a_reload(browser_world, live_server):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    world = browser_world
    lead = world.member(K.SCHOOL, Role.AP_LEAD)
    sla = draft_sla(school=lead.organisation, provider=world.org(K.PROVIDER), by=lead.user)
    saved = (sla.start_date, sla.end_date)
    assert all(saved)
    url = f"/o/{lead.organisation.slug}/slas/{sla.pk}/schedule/"

    def journey(page) -> dict:
        seen = {}
        sign_in(page, lead.user.email, TEST_PASSWORD)
        page.goto(url)
        page.reload()
        for name in ("start_date", "end_date"):
            seen[name] = tuple(page.locator(f"#id_{name}_{i}").input_value() for i in range(3))
        page.get_by_role("button", name="Save schedule").click()
        page.get_by_text("Schedule saved.").wait_for()
        seen["errors"] = page.locator(".govuk-error-summary").count()
        return seen

    seen = in_own_chromium(live_server, journey)
    assert seen["errors"] == 0
    start, end = saved
    assert seen["start_date"] == (str(start.day), str(start.month), str(start.year))
    assert seen["end_date"] == (str(end.day), str(end.month), str(end.year))
    with scopes_disabled():
        sla = ServiceLevelAgreement.objects.get(pk=sla.pk)
    assert (sla.start_date, sla.end_date) == saved
