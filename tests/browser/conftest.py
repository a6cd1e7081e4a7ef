"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live_server.

Fixtures
  browser        one headless Chromium for the session (/usr/bin/chromium; never `playwright install`)
  new_context    factory: new_context(width=1280) or new_context(mobile=True) for a 375px phone
  page           a page in a fresh 1280px-wide context (fresh cookies) for each test
  mobile_page    a page in a fresh 375px-wide phone context
  axe_check      axe_check(page) → the serious/critical axe-core violations on the page now
  screenshot     screenshot(page, "name") → $APC_SCREENSHOTS/name.png (full page), only when APC_SCREENSHOTS
                 names a folder (off by default: a full-page screenshot costs ~0.5 s and CI looks at none)
  browser_world  tests.conftest.build_world() in a transactional database the live server can see

Any JavaScript error on a page fails the test that opened it.
Run: DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/python -m pytest tests/browser -q -p no:xdist
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told otherwise (the ORM calls here are the tests' own set-up).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"  # files a test itself writes and reads back (the SLA PDF)
# Screenshots for people to look at: `APC_SCREENSHOTS=test-artifacts/screenshots scripts/test tests/browser`.
SCREENSHOTS_FOR_PEOPLE = os.environ.get("APC_SCREENSHOTS", "")
SERIOUS = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Wrong passwords on purpose must not trip allauth's per-IP limits for later tests."""
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    assert CHROMIUM.exists(), "Debian's chromium is not installed: scripts/test installs it (apt-get install chromium)"
    browser = _playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """Factory for browser contexts pointed at the live server; all are closed after the test."""
    contexts, errors = [], []

    def _new_context(*, mobile: bool = False, width: int | None = None):
        viewport = dict(PHONE if mobile else DESKTOP)
        if width:
            viewport["width"] = width
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, is_mobile=mobile, has_touch=mobile,
            device_scale_factor=2 if mobile else 1, locale="en-GB", timezone_id="Europe/London",
        )
        context.set_default_timeout(15_000)
        context.on("page", lambda p: p.on("pageerror", lambda exc: errors.append(f"{p.url}: {exc}")))
        contexts.append(context)
        return context

    yield _new_context
    for context in contexts:
        context.close()
    assert not errors, "JavaScript errors:\n" + "\n".join(errors)


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def mobile_page(new_context):
    return new_context(mobile=True).new_page()


class AxeViolations(list):
    """Serious and critical axe-core violations; prints rule ids and CSS targets when asserted on."""

    def __repr__(self):
        if not self:
            return "no serious or critical axe violations"
        lines = []
        for violation in self:
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:10]:
                summary = " ".join(node.get("failureSummary", "").split())
                lines.append(f"    {node['target']}: {summary[:200]}")
        return "\n".join(lines)

    __str__ = __repr__


@pytest.fixture
def axe_check():
    """axe_check(page) → AxeViolations (empty when the page passes). Use: `assert not v, v`."""

    def _axe_check(page) -> AxeViolations:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(AXE_JS.read_text())
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return AxeViolations(v for v in result["violations"] if v["impact"] in SERIOUS)

    return _axe_check


@pytest.fixture
def screenshot():
    """screenshot(page, name) saves a full-page PNG in $APC_SCREENSHOTS, and does nothing when that is
    unset: no test asserts on one. `failing=True` (a check has already failed on this page) saves it
    in test-artifacts/screenshots/ whatever the setting, to show what went wrong."""

    def _screenshot(page, name: str, *, failing: bool = False) -> Path | None:
        if not (SCREENSHOTS_FOR_PEOPLE or failing):
            return None
        folder = Path(SCREENSHOTS_FOR_PEOPLE) if SCREENSHOTS_FOR_PEOPLE else SCREENSHOTS
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _screenshot


@pytest.fixture
def browser_world(transactional_db):
    from tests.conftest import build_world

    return build_world()
