"""API tokens on a phone (375 px), in Chromium: provider staff create a token, see it once, and
revoke it; axe-core finds no serious or critical violation and no page is wider than the phone.
The API docs page runs Swagger UI under the strict CSP with nothing blocked.

Chromium runs in a thread of its own (tests.browser.helpers.in_own_chromium), as the CSP test does."""

from __future__ import annotations

import pytest

from accounts.factories import TEST_PASSWORD
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tests.browser.conftest import AXE_JS, PHONE, SERIOUS, browser_world  # noqa: F401
from tests.browser.helpers import horizontal_overflow, in_own_chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _problems(page) -> list[str]:
    """Serious or critical axe-core violations, and a page wider than the phone."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = [f"{page.url}: {v['id']}" for v in result["violations"] if v["impact"] in SERIOUS]
    if horizontal_overflow(page) > 0:
        found.append(f"{page.url}: wider than the phone")
    return found


def test_create_see_once_and_revoke_a_token_on_a_phone(browser_world, live_server):  # noqa: F811
    email = browser_world.user(K.PROVIDER, Role.PROVIDER_STAFF).email

    def journey(page):
        page.set_viewport_size(dict(PHONE))
        problems = []
        sign_in(page, email, TEST_PASSWORD)
        page.goto("/o/provider-a/api-tokens/")
        empty = page.get_by_text("You have no API tokens here.").is_visible()
        problems += _problems(page)
        page.get_by_role("link", name="Create a token").click()
        page.get_by_role("button", name="Create token").click()  # nothing entered
        summary = page.locator(".govuk-error-summary").inner_text()
        problems += _problems(page)
        page.get_by_label("What is the token for?").fill("Minibus tablet")
        page.keyboard.press("Enter")
        page.wait_for_selector("#api-token")
        token = page.locator("#api-token").inner_text()
        problems += _problems(page)
        page.get_by_role("link", name="Back to API tokens").click()
        page.get_by_role("link", name="Revoke the token for Minibus tablet").wait_for()  # the list, not the token page
        listed_again = token in page.content()
        problems += _problems(page)
        page.get_by_role("link", name="Revoke the token for Minibus tablet").click()
        problems += _problems(page)
        page.get_by_role("button", name="Revoke token").click()
        page.locator(".govuk-table .govuk-tag", has_text="Revoked").wait_for()
        return {"empty": empty, "summary": summary, "token": token, "listed_again": listed_again,
                "status": page.locator(".govuk-table .govuk-tag").inner_text(), "problems": problems}

    outcome = in_own_chromium(live_server, journey)
    assert outcome["empty"]
    assert "Enter what the token is for" in outcome["summary"]
    assert outcome["token"].startswith("apc_") and not outcome["listed_again"]
    assert outcome["status"] == "Revoked"
    assert not outcome["problems"], outcome["problems"]


def test_the_docs_page_runs_under_the_csp(browser_world, live_server):  # noqa: F811
    def journey(page):
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto("/api/v1/docs/")
        page.wait_for_selector(".opblock")
        return {"operations": page.locator(".opblock").count(), "errors": errors}

    outcome = in_own_chromium(live_server, journey)
    assert outcome["operations"] >= 3
    assert not outcome["errors"], outcome["errors"]
