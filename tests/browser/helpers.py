"""Steps shared by the browser tests."""

from __future__ import annotations

import time


def fresh_totp_code(secret: str) -> str:
    """The current TOTP code (allauth's own functions). The server accepts one period either side
    (MFA_TOTP_TOLERANCE = 1 in the test settings only), so a slow machine between here and the
    submit does not matter."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the screen (0 = no horizontal scrolling). A phone
    context (is_mobile) zooms out to fit a page wider than itself, so its layout viewport
    (innerWidth) grows with the page: the screen's width does not."""
    return page.evaluate("() => Math.max(document.scrollingElement.scrollWidth, window.innerWidth) - screen.width")


def in_own_chromium(live_server, journey) -> dict:
    """Run `journey(page) -> dict` in Chromium in a thread of its own and return its dict (an xdist
    worker already holds the browser tests' session Playwright in its main thread, and a second
    one cannot start there). An exception in the journey is raised again here."""
    import threading

    from django.db import connections
    from playwright.sync_api import sync_playwright

    from .conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP

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
