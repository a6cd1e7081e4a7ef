"""An LA officer records a QA visit on a tablet (768 px) by keyboard only (issue 13 acceptance):
starts the visit, checks the pre-filled first page, judges all 32 standards of a seed 001 §18-shaped
framework over its five theme pages (Tab to each radio group, Space for "Fully", an arrow key for
another level, typing evidence for a few; the first theme page saves itself as the officer types —
"Saved at …" — and a reload shows every answer), then sets the outcome — overriding the suggestion, which
needs a reason — and reads the report; adds an improvement plan row by keyboard. Then both sides
sign (the officer, then the provider's manager, each from the report page) and the PDF report
downloads and renders (pdftoppm). One journey, as the acceptance describes it. axe-core
finds no serious or critical violation on any page type it passes, and no page is wider than the
tablet.

`record_visit_by_keyboard` and `sign_from_the_report` are its steps as functions.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from accounts.factories import TEST_PASSWORD
from providers.factories import OfferFactory, ProviderProfileFactory
from qa_framework.factories import qa_visit_in_state, seed_framework_version
from qa_framework.models import Judgement, Outcome, QAVisit, VisitState
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.conftest import WORLD_NOW

from .helpers import horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
TABLET = 768
MAX_TABS = 40
PARTIALLY = "2d"  # the one standard judged "Partially" (ArrowDown from "Fully"): the suggestion is conditions
EVIDENCE = {"1c": "Staff quiz on KCSIE part 1 seen", "3a": "Referral form walked through", "5d": "Post-16 plans seen"}
OVERRIDE_REASON = "Equipment risk assessment completed during the visit"


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


def _press_enter_on(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def autosaved_survives_a_reload(page, standards: dict[str, int]) -> None:
    """Theme 1 was answered without pressing a button: the page saved it as the officer typed
    (static/src/qa-autosave.js), says so, and a reload shows every answer."""
    status = page.locator("[data-autosave-status]")
    expect(status).to_have_attribute("aria-busy", "false")  # nothing waiting to be sent
    expect(status).to_contain_text("Saved at")
    page.reload()
    page.get_by_role("heading", name="1.", exact=False).first.wait_for()
    expect(page.locator(f"textarea[name=evidence_{standards['1c']}]")).to_have_value(
        re.compile(re.escape(EVIDENCE["1c"])))
    for code in (code for code in standards if code.startswith("1")):
        expect(page.locator(f"input[name=level_{standards[code]}][value=fully]")).to_be_checked()


def record_visit_by_keyboard(page, axe_check, *, org: str, visit: QAVisit, standards: dict[str, int]) -> None:
    """From the scheduled visit's page to its report: start, the first page, every theme, the outcome
    (the suggestion overridden with a reason once). `standards`: code -> standard id."""
    page.goto(f"/o/{org}/qa/visits/{visit.pk}/")
    page.get_by_role("heading", name=visit.provider.name).wait_for()
    _clean(page, axe_check)
    _press_enter_on(page, f"form[action$='/qa/visits/{visit.pk}/start/'] button")
    expect(page.get_by_text("Visit started")).to_be_visible()
    _clean(page, axe_check)  # the task list

    _press_enter_on(page, f"a[href$='/qa/visits/{visit.pk}/provider/']")
    page.get_by_role("heading", name="The provider").wait_for()
    _clean(page, axe_check)
    _press_enter_on(page, "button[name=submit], input[name=submit]")  # Save and continue

    for theme in range(1, 6):
        page.get_by_role("heading", name=f"{theme}.", exact=False).first.wait_for()
        expect(page.locator(".govuk-caption-l")).to_contain_text(f"theme {theme} of 5")
        if theme == 1:
            _clean(page, axe_check)
        for code, pk in standards.items():
            if not code.startswith(str(theme)):
                continue
            tab_to(page, f"input[name=level_{pk}]")  # the group's first radio, "Fully"
            page.keyboard.press("ArrowDown" if code == PARTIALLY else "Space")
            if code in EVIDENCE:
                tab_to(page, f"textarea[name=evidence_{pk}]")
                page.keyboard.press("Control+End")
                page.keyboard.type(EVIDENCE[code])
        if theme == 1:
            autosaved_survives_a_reload(page, standards)
        _press_enter_on(page, "button[name=submit], input[name=submit]")

    page.get_by_role("heading", name=visit.provider.name).wait_for()
    expect(page.locator("[data-testid=tasks]")).not_to_contain_text("Incomplete")
    _press_enter_on(page, f"a[href$='/qa/visits/{visit.pk}/complete/']")
    expect(page.locator("[data-testid=suggested-outcome]")).to_contain_text("Met most standards")
    _clean(page, axe_check)
    tab_to(page, "input[name=outcome]:checked")  # the suggestion is chosen for the officer
    page.keyboard.press("ArrowUp")  # "Met all standards"
    _press_enter_on(page, "button[name=submit], input[name=submit]")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the outcome differs")
    _clean(page, axe_check)
    page.locator("body").focus()
    tab_to(page, "textarea[name=outcome_reason]")
    page.keyboard.type(OVERRIDE_REASON)
    _press_enter_on(page, "button[name=submit], input[name=submit]")
    expect(page.locator("[data-testid=outcome]")).to_contain_text("Met all standards")
    _clean(page, axe_check)  # the report


def test_an_la_officer_records_a_qa_visit_by_keyboard_sets_a_plan_and_both_sides_sign(
        browser_world, new_context, axe_check, settings, tmp_path):
    """Issue 13's acceptance journey at tablet width (768 px): all 32 standards by keyboard, the
    outcome (overridden with a reason), an improvement plan row by keyboard, both sides sign, and the
    PDF report downloads and renders; axe-core finds no serious or critical violation on the way."""
    world = browser_world
    settings.APC_CLOCK_NOW = WORLD_NOW.isoformat()
    la, provider = world.org(K.LOCAL_AUTHORITY), world.org(K.PROVIDER)
    officer = world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER)
    manager = world.user(K.PROVIDER, Role.PROVIDER_MANAGER)
    ProviderProfileFactory(provider=provider)  # the first page is pre-filled from it
    OfferFactory(provider=provider, title="Motor vehicle", part_time_days=2)
    version = seed_framework_version(owner=la, now=WORLD_NOW)
    visit = qa_visit_in_state(local_authority=la, provider=provider, state=VisitState.SCHEDULED, by=officer,
                              now=WORLD_NOW, version=version)
    with scopes_disabled():
        standards = dict(version.themes.values_list("standards__code", "standards__pk"))
    assert len(standards) == 32
    page = new_context(width=TABLET).new_page()
    sign_in(page, officer.email, TEST_PASSWORD)

    record_visit_by_keyboard(page, axe_check, org=la.slug, visit=visit, standards=standards)

    report = page.content()
    assert all(text in report for text in EVIDENCE.values()) and OVERRIDE_REASON in report
    with scopes_disabled():
        visit = QAVisit.objects.get(pk=visit.pk)
        levels = dict(Judgement.objects.filter(visit=visit).values_list("standard__code", "level"))
    assert (visit.state, visit.suggested_outcome, visit.outcome) == (
        VisitState.COMPLETED, Outcome.APPROVED_WITH_CONDITIONS, Outcome.APPROVED)
    assert visit.outcome_reason == OVERRIDE_REASON
    assert levels == {code: "partially" if code == PARTIALLY else "fully" for code in standards}

    # --- An improvement plan row, by keyboard, from the report's plan page.
    page.goto(f"/o/{la.slug}/qa/visits/{visit.pk}/improvement-plan/new/")
    tab_to(page, "input[name=area]")
    page.keyboard.type("Fire drill records")
    tab_to(page, "textarea[name=actions]")
    page.keyboard.type("Hold a fire drill each half term and keep the log")
    tab_to(page, "input[name=rag]")
    page.keyboard.press("Space")  # the first rating (red), checked from the keyboard
    tab_to(page, "#id_due_on_0")
    page.keyboard.type("31")
    tab_to(page, "#id_due_on_1")
    page.keyboard.type("1")
    tab_to(page, "#id_due_on_2")
    page.keyboard.type("2027")
    tab_to(page, "input[name=who_by]")
    page.keyboard.type("Centre manager")
    _clean(page, axe_check)
    _press_enter_on(page, "button[name=submit], input[name=submit]")
    expect(page.get_by_text("Improvement action added")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Fire drill records")
    _clean(page, axe_check)

    # --- Both sides sign; the provider downloads the PDF, which renders.
    sign_from_the_report(page, axe_check, org=la.slug, visit=visit, user=officer)
    page = new_context(width=TABLET).new_page()
    sign_in(page, manager.email, TEST_PASSWORD)
    sign_from_the_report(page, axe_check, org=provider.slug, visit=visit, user=manager)
    expect(page.get_by_text("Both sides have signed this report")).to_be_visible()
    page.goto(f"/o/{provider.slug}/qa/visits/{visit.pk}/report/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True, capture_output=True)
    (image,) = tmp_path.glob("page*.png")
    assert image.stat().st_size > 5_000  # a rendered page, not an empty one
    with scopes_disabled():
        visit = QAVisit.objects.get(pk=visit.pk)
        actions = list(visit.improvement_actions.values_list("area", "rag"))
    assert visit.state == VisitState.SIGNED and len(visit.content_hash) == 64
    assert actions == [("Fire drill records", "red")]


def sign_from_the_report(page, axe_check, *, org: str, visit: QAVisit, user) -> None:
    """From the visit's report page: "Sign the report", the error summary first, then the signature."""
    page.goto(f"/o/{org}/qa/visits/{visit.pk}/report/")
    page.get_by_role("link", name="Sign the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign the QA visit report")
    page.get_by_role("button", name="Sign the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Type your full name to sign")
    _clean(page, axe_check)
    page.get_by_label("Your full name").fill(user.full_name)
    page.get_by_label("Your position").fill("Officer")
    page.get_by_label("I confirm I am authorised").check()
    page.get_by_role("button", name="Sign the report").click()
    expect(page.get_by_text("You have signed the QA visit report")).to_be_visible()
    _clean(page, axe_check)
