"""Content-Security-Policy on every response, and no inline script, style or handler to need it.

Before: no CSP header at all, and templates/base.html ran two inline scripts (the js-enabled body
class and GOV.UK Frontend's initAll), so a strict policy would have switched GOV.UK Frontend off.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import path

from accounts.factories import TEST_PASSWORD
from apcommission import views as apc_views
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, browser_world  # noqa: F401
from tests.browser.helpers import in_own_chromium, sign_in

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
# Templates rendered to PDF by WeasyPrint only (never sent to a browser) may use <style>.
PDF_ONLY = TEMPLATES / "print"
EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def policy_of(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} {response.get('Content-Type')}"
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


def assert_no_inline_script(response):
    soup = BeautifulSoup(response.content, "html.parser")
    scripts = soup.find_all("script")
    for script in scripts:
        assert script.get("src") or script.get("type") in DATA_SCRIPT_TYPES, f"inline script: {script}"
    for tag in soup.find_all(True):
        handlers = [a for a in tag.attrs if a.lower().startswith("on")]
        assert not handlers and "style" not in tag.attrs, f"inline handler or style: {tag.name} {tag.attrs}"
    assert soup.find("style") is None
    return scripts


# --- The header ------------------------------------------------------------------------------------

def test_anonymous_page_has_the_policy_and_loads_scripts_from_files(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert policy_of(response) == EXPECTED
    scripts = assert_no_inline_script(response)
    srcs = [s["src"] for s in scripts]
    assert srcs == ["/static/build/js-enabled.js", "/static/build/govuk-init.js"]
    init = scripts[1]
    assert init["type"] == "module" and init["data-govuk-frontend"] == "/static/build/govuk-frontend.min.js"
    # The first runs before anything is drawn (a classic script at the top of <body>).
    assert "type" not in scripts[0].attrs and scripts[0].parent.name == "body"


def test_signed_in_pages_have_the_policy(world, login):
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    for url in ("/o/school-a/", "/o/school-a/pupils/", "/accounts/2fa/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy_of(response) == EXPECTED, url
        assert_no_inline_script(response)


def test_error_pages_have_the_policy(world, login):
    client = login(world.user(K.SCHOOL, Role.FINANCE))
    not_found = client.get("/o/school-b/")  # not a member: 404
    forbidden = client.get("/o/school-a/pupils/")  # finance cannot see pupils: 403
    assert (not_found.status_code, forbidden.status_code) == (404, 403)
    for response in (not_found, forbidden):
        assert policy_of(response) == EXPECTED
        assert_no_inline_script(response)
    anonymous = Client().get("/no-such-page/")
    assert anonymous.status_code == 404 and policy_of(anonymous) == EXPECTED


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]
handler500 = apc_views.error_500


@pytest.mark.urls(__name__)
def test_server_error_page_has_the_policy(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert policy_of(response) == EXPECTED
    assert_no_inline_script(response)


def test_admin_pages_have_the_policy(admin_client):
    for url in ("/admin/", "/admin/tenancy/membership/", "/admin/tenancy/organisation/add/"):
        response = admin_client.get(url)
        assert response.status_code == 200 and policy_of(response) == EXPECTED, url
        assert_no_inline_script(response)


# --- The templates ---------------------------------------------------------------------------------

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER_ATTR = re.compile(r"<[a-zA-Z][^<>]*?\son[a-z]+\s*=", re.S)
STYLE_ATTR = re.compile(r"<[a-zA-Z][^<>]*?\sstyle\s*=", re.S)
STYLE_TAG = re.compile(r"<style\b", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def template_problems(text: str, *, pdf_only: bool = False) -> list[str]:
    """Everything in one template that a script-src/style-src 'self' policy would block."""
    problems = []
    for match in SCRIPT_TAG.finditer(text):
        attrs = match.group(1)
        type_ = re.search(r"""\btype\s*=\s*["']([^"']+)["']""", attrs)
        if re.search(r"\bsrc\s*=", attrs) or (type_ and type_.group(1) in DATA_SCRIPT_TYPES):
            continue
        problems.append(f"inline script: {match.group(0)}")
    problems += [f"event handler attribute: {m.group(0)[:80]}" for m in HANDLER_ATTR.finditer(text)]
    problems += [f"javascript: URL: {m.group(0)}" for m in JS_URL.finditer(text)]
    if not pdf_only:
        problems += [f"style attribute: {m.group(0)[:80]}" for m in STYLE_ATTR.finditer(text)]
        problems += ["<style> element" for _ in STYLE_TAG.finditer(text)]
    return problems


def test_the_checker_finds_what_it_should():
    assert template_problems("<script>alert(1)</script>")
    assert template_problems('<script type="module">import x from "y"</script>')
    assert template_problems('<button class="a"\n onclick="go()">')
    assert template_problems('<a href="javascript:go()">')
    assert template_problems('<p style="color: red">') and template_problems("<style>p{}</style>")
    assert not template_problems('<script src="{% static \'x.js\' %}"></script>')
    assert not template_problems('<script data-x="y" type="application/json">{"a": 1}</script>')
    assert not template_problems('<p class="once">Sent once, online=yes</p>')
    assert not template_problems("<style>@page {}</style>", pdf_only=True)


def test_no_template_has_inline_script_handlers_or_styles():
    checked, problems = 0, []
    for template in sorted(TEMPLATES.rglob("*.html")):
        pdf_only = PDF_ONLY in template.parents
        for problem in template_problems(template.read_text(), pdf_only=pdf_only):
            problems.append(f"{template.relative_to(ROOT)}: {problem}")
        checked += 1
    assert checked > 50
    assert not problems, "\n".join(problems)


def test_base_template_scripts_are_built_from_static_src():
    for name in ("js-enabled.js", "govuk-init.js"):
        source = ROOT / "static/src" / name
        assert source.exists(), source
        assert f'"{name}"' in (ROOT / "scripts/build-assets.mjs").read_text(), f"build-assets.mjs does not copy {name}"
        built = finders.find(f"build/{name}")
        assert built, f"static/build/{name} missing: run scripts/setup (npm run build)"
        assert Path(built).read_text() == source.read_text(), f"static/build/{name} is stale: npm run build"


# --- In a browser: GOV.UK Frontend still starts under the policy ------------------------------------


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_govuk_frontend_runs_under_the_policy_and_nothing_is_blocked(browser_world, live_server):  # noqa: F811
    """Chromium: js-enabled.js and govuk-init.js run, GOV.UK Frontend starts, the CSP blocks nothing.

    Playwright runs in its own thread: tests/browser/conftest.py's session Playwright keeps an event
    loop in the main thread of an xdist worker, so a second one cannot start there.
    """
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    email = browser_world.user(K.SCHOOL, Role.AP_LEAD).email
    outcome = in_own_chromium(live_server, lambda page: journey(page, email))
    assert outcome["csp_header"]
    # js-enabled.js ran, and GOV.UK Frontend initialised (the password reveal button is shown).
    assert {"js-enabled", "govuk-frontend-supported"} <= set(outcome["body_classes"])
    assert outcome["show_password_visible"]
    assert outcome["error_summary_focused"]  # GOV.UK Frontend's error summary takes focus
    assert "/o/" in outcome["signed_in_url"] and outcome["signed_in_js_enabled"]
    assert not outcome["blocked"], outcome["blocked"]
    assert not outcome["page_errors"], outcome["page_errors"]


def _within_backstop(wait) -> bool:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        wait()
    except PlaywrightTimeout:
        return False
    return True


def journey(page, email) -> dict:
    blocked, page_errors = [], []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    seen = {}
    response = page.goto("/accounts/login/")
    seen["csp_header"] = response.headers.get("content-security-policy")
    seen["body_classes"] = page.evaluate("() => [...document.body.classList]")
    # GOV.UK Frontend adds the button and moves the focus as it starts: wait for it (a slow machine
    # may still be starting it when the load event fires); a 15 s backstop decides "never".
    seen["show_password_visible"] = _within_backstop(
        lambda: page.get_by_role("button", name="Show password").wait_for(state="visible", timeout=15_000))
    sign_in(page, email, "not-my-password")
    seen["error_summary_focused"] = _within_backstop(lambda: page.wait_for_function(
        "() => document.activeElement.classList.contains('govuk-error-summary')", timeout=15_000))
    sign_in(page, email, TEST_PASSWORD)
    seen["signed_in_url"] = page.url
    seen["signed_in_js_enabled"] = page.evaluate("() => document.body.classList.contains('js-enabled')")
    seen.update(blocked=blocked, page_errors=page_errors)
    return seen
