"""Signing in, with and without an authenticator app, in Chromium; axe-core on every page visited.

Screenshots go to $APC_SCREENSHOTS when set (tests/browser/conftest.py).
"""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from accounts.factories import TEST_PASSWORD
from tenancy.roles import OrganisationKind, Role, role_requires_mfa

from .helpers import fresh_totp_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SCHOOL = OrganisationKind.SCHOOL


@pytest.mark.mfa
def test_sign_in_with_authenticator_code(page, browser_world, axe_check, screenshot):
    """(a) An AP lead with an authenticator app: password, then code, then the dashboard."""
    user = browser_world.user(SCHOOL, Role.AP_LEAD)
    assert role_requires_mfa(Role.AP_LEAD)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    school = browser_world.org(SCHOOL)

    page.goto("/accounts/login/")
    assert page.title() == "Sign in – Commission alternative provision"
    violations = axe_check(page)
    assert not violations, violations
    screenshot(page, "login")

    sign_in(page, user.email, TEST_PASSWORD)
    assert page.url.endswith("/accounts/2fa/authenticate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    code_input = page.get_by_label("Security code")
    expect(code_input).to_have_attribute("autocomplete", "one-time-code")
    violations = axe_check(page)
    assert not violations, violations
    screenshot(page, "mfa-authenticate")

    code_input.fill(fresh_totp_code(secret))
    with page.expect_navigation(url=re.compile(rf"/o/{school.slug}/$")):
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(school.name)
    expect(page.get_by_role("link", name="Security")).to_be_visible()
    violations = axe_check(page)
    assert not violations, violations
    screenshot(page, "dashboard")


@pytest.mark.mfa
def test_first_sign_in_sets_up_authenticator(page, browser_world, axe_check, screenshot):
    """(b) MFA required, no app yet: confirm password, scan the QR code, enter a code, carry on."""
    user = browser_world.user(SCHOOL, Role.DSL)
    assert role_requires_mfa(Role.DSL)
    school = browser_world.org(SCHOOL)

    sign_in(page, user.email, TEST_PASSWORD)
    # The middleware sends them to set up an app; allauth first asks for the password again.
    assert "/accounts/reauthenticate/" in page.url
    assert "totp%2Factivate" in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    expect(page.get_by_text("you must set up an authenticator app")).to_be_visible()
    violations = axe_check(page)
    assert not violations, violations
    screenshot(page, "reauthenticate")
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    with page.expect_navigation(url=re.compile(r"/accounts/2fa/totp/activate/$")):
        page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    violations = axe_check(page)
    assert not violations, violations
    screenshot(page, "totp-activate")

    # A wrong code first: GOV.UK error summary, still accessible.
    page.get_by_label("6-digit code").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Set up app").click()
    assert page.title().startswith("Error: ")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    violations = axe_check(page)
    assert not violations, violations
    screenshot(page, "totp-activate-error")

    secret = page.locator("#totp-secret").get_attribute("data-secret")
    assert page.locator("#totp-secret").inner_text().replace(" ", "") == secret
    page.get_by_label("6-digit code").fill(fresh_totp_code(secret))
    with page.expect_navigation(url=re.compile(r"/accounts/2fa/recovery-codes/$")):
        page.get_by_role("button", name="Set up app").click()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert page.locator(".govuk-notification-banner--success").inner_text().strip().endswith(
        "Your authenticator app is set up.")
    expect(page.locator("#recovery-codes code")).to_have_count(10)
    violations = axe_check(page)
    assert not violations, violations
    screenshot(page, "recovery-codes")

    with page.expect_navigation(url=re.compile(rf"/o/{school.slug}/$")):
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(school.name)
    violations = axe_check(page)
    assert not violations, violations

    # The Security page now shows the app as on.
    with page.expect_navigation():
        page.get_by_role("link", name="Security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Security")
    expect(page.locator(".govuk-tag", has_text="On")).to_be_visible()
    violations = axe_check(page)
    assert not violations, violations
    screenshot(page, "security")


def test_dashboard_fits_a_phone(mobile_page, browser_world, axe_check, screenshot):
    """(c) At 375px the sign-in page and the dashboard do not scroll sideways."""
    page = mobile_page
    user = browser_world.user(SCHOOL, Role.AP_LEAD)
    school = browser_world.org(SCHOOL)

    page.goto("/accounts/login/")
    assert page.evaluate("() => window.innerWidth") == 375
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 375
    screenshot(page, "login-mobile")

    sign_in(page, user.email, TEST_PASSWORD)
    assert re.search(rf"/o/{school.slug}/$", page.url), page.url
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 375
    # The service navigation collapses behind a Menu button that opens it.
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("link", name="Security")).to_be_visible()
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 375
    violations = axe_check(page)
    assert not violations, violations
    screenshot(page, "dashboard-mobile")

    page.goto("/accounts/2fa/")
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 375
    screenshot(page, "security-mobile")


def test_wrong_password_shows_error_summary(page, browser_world, axe_check, screenshot):
    """(d) A wrong password: GOV.UK error summary, focused, linking to the email field; axe passes."""
    user = browser_world.user(SCHOOL, Role.AP_LEAD)

    sign_in(page, user.email, "not-my-password")
    assert page.url.endswith("/accounts/login/")
    assert page.title() == "Error: Sign in – Commission alternative provision"
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    expect(page.get_by_label("Email address")).to_have_value(user.email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    violations = axe_check(page)
    assert not violations, violations
    screenshot(page, "login-error")

    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_login"

    # The password can be shown to check it (GOV.UK password input), then signing in works.
    page.get_by_role("button", name="Show password").click()
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("type", "text")
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/o/" in page.url


@pytest.mark.mfa
def test_mfa_pages_fit_a_phone(mobile_page, browser_world, axe_check, screenshot):
    """Setting up the app and entering a code both work at 375px, without sideways scrolling."""
    page = mobile_page
    user = browser_world.user(SCHOOL, Role.SENCO)
    school = browser_world.org(SCHOOL)

    def fits() -> bool:
        return page.evaluate("() => document.scrollingElement.scrollWidth") <= 375

    sign_in(page, user.email, TEST_PASSWORD)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    with page.expect_navigation(url=re.compile(r"/accounts/2fa/totp/activate/$")):
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert fits()
    screenshot(page, "totp-activate-mobile")

    secret = page.locator("#totp-secret").get_attribute("data-secret")
    page.get_by_label("6-digit code").fill(fresh_totp_code(secret))
    with page.expect_navigation(url=re.compile(r"/accounts/2fa/recovery-codes/$")):
        page.get_by_role("button", name="Set up app").click()
    assert fits()
    screenshot(page, "recovery-codes-mobile")

    # Sign out through the collapsed menu, then sign in again with a code.
    page.get_by_role("button", name="Menu").click()
    with page.expect_navigation(url=re.compile(r"/accounts/login/$")):
        page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    sign_in(page, user.email, TEST_PASSWORD)
    assert page.url.endswith("/accounts/2fa/authenticate/")
    assert fits()
    violations = axe_check(page)
    assert not violations, violations
    screenshot(page, "mfa-authenticate-mobile")
    page.get_by_label("Security code").fill(fresh_totp_code(secret))
    with page.expect_navigation(url=re.compile(rf"/o/{school.slug}/$")):
        page.get_by_role("button", name="Continue").click()


def test_other_account_pages_pass_axe(page, browser_world, axe_check, screenshot):
    """Password reset, sign-up (closed), sign out, password change, recovery codes, removing the app."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = browser_world.user(SCHOOL, Role.HEADTEACHER)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    recovery_codes = RecoveryCodes.activate(user).get_unused_codes()

    def check(name: str):
        violations = axe_check(page)
        assert not violations, f"{name}: {violations!r}"
        screenshot(page, name)

    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You need an invitation to use this service")
    expect(page.locator("main form")).to_have_count(0)
    check("signup-closed")

    page.goto("/accounts/password/reset/")
    with page.expect_navigation():
        page.get_by_role("button", name="Send reset link").click()
    assert page.title().startswith("Error: ")
    check("password-reset-error")
    page.get_by_label("Email address").fill(user.email)
    with page.expect_navigation(url=re.compile(r"/accounts/password/reset/done/$")):
        page.get_by_role("button", name="Send reset link").click()
    check("password-reset-done")

    sign_in(page, user.email, TEST_PASSWORD)
    page.get_by_label("Security code").fill(fresh_totp_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    page.goto("/accounts/password/change/")
    page.get_by_label("Current password").fill("wrong")
    with page.expect_navigation():
        page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check("password-change-error")

    page.goto("/accounts/2fa/recovery-codes/generate/")
    assert "/accounts/reauthenticate/" in page.url  # password again first
    check("reauthenticate-with-alternatives")
    with page.expect_navigation(url=re.compile(r"/accounts/2fa/reauthenticate/")):
        page.get_by_role("link", name=re.compile("authenticator", re.I)).click()
    check("mfa-reauthenticate")
    # The app's code for this period was used to sign in (allauth accepts each code once):
    # a recovery code works here too.
    page.get_by_label("Security code").fill(recovery_codes[0])
    with page.expect_navigation(url=re.compile(r"/accounts/2fa/recovery-codes/generate/$")):
        page.get_by_role("button", name="Continue").click()
    check("recovery-codes-generate")

    page.goto("/accounts/2fa/totp/deactivate/")
    check("totp-deactivate")

    page.goto("/accounts/logout/")
    check("logout")
    with page.expect_navigation(url=re.compile(r"/accounts/login/$")):
        page.locator("main").get_by_role("button", name="Sign out").click()
