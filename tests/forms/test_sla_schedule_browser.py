"""Issue 10: the SLA schedule showed saved dates blank (a native date input cannot show them), so
saving it unchanged failed with "Enter the start date". With the GOV.UK date input the saved dates
show in Day, Month and Year, and the page saves unchanged after a reload."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from accounts.factories import TEST_PASSWORD
from slas.factories import draft_sla
from slas.models import ServiceLevelAgreement
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _in_chromium(live_server, journey) -> dict:
    """Run `journey(page)` in Chromium in its own thread (tests/browser keeps a session Playwright in
    the main thread of an xdist worker; a second one cannot start there)."""
    from playwright.sync_api import sync_playwright

    outcome: dict = {}

    def run():
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(base_url=live_server.url, viewport=dict(DESKTOP))
                    context.set_default_timeout(15_000)
                    outcome.update(journey(context.new_page()))
                finally:
                    browser.close()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome


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

    seen = _in_chromium(live_server, journey)
    assert seen["errors"] == 0
    start, end = saved
    assert seen["start_date"] == (str(start.day), str(start.month), str(start.year))
    assert seen["end_date"] == (str(end.day), str(end.month), str(end.year))
    with scopes_disabled():
        sla = ServiceLevelAgreement.objects.get(pk=sla.pk)
    assert (sla.start_date, sla.end_date) == saved
