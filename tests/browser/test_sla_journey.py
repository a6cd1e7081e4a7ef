"""Browser journey: a school drafts an SLA from the template, edits a clause and sends it; the
provider signs; the school signs; both download the PDF, which is turned into PNG pages."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.factories import TEST_PASSWORD
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

from .conftest import SCREENSHOTS
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _sign(page, user, axe_check, screenshot, name):
    page.get_by_role("link", name="Sign the agreement").click()
    assert not axe_check(page)
    page.get_by_label("Your full name").fill(user.full_name)
    page.get_by_label("Your position").fill("Headteacher" if "school" in name else "Centre manager")
    page.get_by_label("I confirm I am authorised").check()
    screenshot(page, f"sla-sign-{name}")
    page.get_by_role("button", name="Sign agreement").click()
    page.get_by_text("You have signed the SLA.").wait_for()


def _fill_date(page, name, day, month, year):
    """A GOV.UK date input: Day, Month and Year boxes."""
    for i, part in enumerate((day, month, year)):
        page.locator(f"#id_{name}_{i}").fill(part)


def _download(page, name) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    path = SCREENSHOTS / f"sla-{name}.pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    info.value.save_as(path)
    return Path(path).read_bytes()


def test_school_and_provider_agree_and_sign_an_sla(browser_world, new_context, axe_check, screenshot):
    world = browser_world
    lead = world.user(K.SCHOOL, Role.AP_LEAD)
    manager = world.user(K.PROVIDER, Role.PROVIDER_MANAGER)

    school = new_context().new_page()
    sign_in(school, lead.email, TEST_PASSWORD)
    school.goto("/o/school-a/slas/")
    assert not axe_check(school)
    school.get_by_role("link", name="Draft a new SLA").click()
    school.get_by_label("Provider").select_option(label="Provider A")
    expect(school.get_by_label("The standard clauses")).to_have_count(0)  # no saved template: nothing to choose
    assert not axe_check(school)
    school.get_by_role("button", name="Create draft SLA").click()

    # Schedule: a missing field gives an error summary and keeps what was typed.
    _fill_date(school, "start_date", "4", "1", "2027")
    school.get_by_role("button", name="Save schedule").click()
    expect(school.locator(".govuk-error-summary")).to_be_visible()
    assert school.title().startswith("Error:")
    assert not axe_check(school)
    expect(school.locator("#id_start_date_0")).to_have_value("4")
    _fill_date(school, "end_date", "26", "3", "2027")
    school.get_by_label("Hours per week").fill("10")
    school.get_by_label("Days and sessions").fill("Tuesday and Thursday, 9am to 2:30pm")
    school.get_by_label("Number of pupils").fill("1")
    school.get_by_label("Rate (£)").fill("85")
    school.get_by_role("button", name="Save schedule").click()
    school.get_by_text("Schedule saved.").wait_for()

    # Edit one clause.
    school.get_by_role("link", name="Edit clause 6: Audit data").click()
    school.get_by_label("Clause text").fill("Submit the register for every morning and afternoon session in apcommission.")
    school.get_by_role("button", name="Save clause").click()
    expect(school.get_by_text("Submit the register for every morning and afternoon session")).to_be_visible()
    school.get_by_role("button", name="Send for signature").click()
    school.get_by_text("for signature.").first.wait_for()
    assert not axe_check(school)
    screenshot(school, "sla-sent-school")

    provider = new_context().new_page()
    sign_in(provider, manager.email, TEST_PASSWORD)
    provider.goto("/o/provider-a/slas/")
    provider.get_by_role("link", name="v1").click()
    expect(provider.get_by_text("Submit the register for every morning and afternoon session")).to_be_visible()
    _sign(provider, manager, axe_check, screenshot, "provider")

    school.reload()
    _sign(school, lead, axe_check, screenshot, "school")
    expect(school.get_by_text("Signed by both parties").first).to_be_visible()
    screenshot(school, "sla-signed-school")
    assert not axe_check(school)

    school_pdf = _download(school, "school")
    provider.reload()
    provider_pdf = _download(provider, "provider")
    assert school_pdf.startswith(b"%PDF-") and school_pdf == provider_pdf

    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1",
                    str(SCREENSHOTS / "sla-school.pdf"), str(SCREENSHOTS / "sla-pdf-page")], check=True)
    assert list(SCREENSHOTS.glob("sla-pdf-page*.png"))
