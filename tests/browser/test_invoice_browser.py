"""An invoice in the browser (issue 14 item 4): the provider's manager raises one for a fortnight
under a signed SLA (a first try without answers shows the error summary), reads its line against the
sessions attended and expected, and sends it; the school's AP lead, who reads invoices but may not
decide, is offered no decision; the school's finance role authorises it. axe-core finds no serious
or critical violation on any page of the journey."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.factories import TEST_PASSWORD
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tests.finance.conftest import END, NOW, START, make_books

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DECIDE = "Authorise, query or reject"


def _clean(page, axe_check):
    violations = axe_check(page)
    assert not violations, violations


def _fill_date(page, legend, day):
    period = page.get_by_role("group", name=legend)
    for label, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        period.get_by_label(label).fill(str(value))


def _open_invoice(page, number):
    page.goto("/o/school-a/invoices/")
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invoice {number}")


def test_the_provider_raises_an_invoice_and_only_the_finance_role_authorises_it(browser_world, new_context,
                                                                                 axe_check, settings):
    world = browser_world
    settings.APC_CLOCK_NOW = NOW.isoformat()
    books = make_books(world)  # 5 of 7 expected sessions attended in the fortnight, £85 a session + 20 % VAT

    provider = new_context().new_page()
    sign_in(provider, books.provider_manager.user.email, TEST_PASSWORD)
    provider.goto("/o/provider-a/invoices/")
    provider.get_by_role("link", name="Raise an invoice").click()
    provider.get_by_role("button", name="Create draft invoice").click()
    expect(provider.locator(".govuk-error-summary")).to_contain_text("Select the SLA you are invoicing under")
    _clean(provider, axe_check)
    provider.get_by_label("Service level agreement").select_option(value=str(books.sla.pk))
    _fill_date(provider, "First day of the period", START)
    _fill_date(provider, "Last day of the period", END)
    provider.get_by_role("button", name="Create draft invoice").click()
    heading = provider.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Invoice ")
    number = heading.inner_text().removeprefix("Invoice ")
    line = provider.locator("table tbody tr")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("5 / 7")  # attended / expected sessions
    expect(line).to_contain_text("Matches sessions")
    summary = provider.locator(".govuk-summary-list__row")
    expect(summary.filter(has_text="Net")).to_contain_text("£425")  # 5 sessions × £85
    expect(summary.filter(has_text="Total")).to_contain_text("£510")  # + 20 % VAT
    _clean(provider, axe_check)
    provider.get_by_role("link", name="Send the invoice").click()
    _clean(provider, axe_check)
    provider.get_by_role("button", name="Send the invoice").click()
    expect(provider.locator(".govuk-tag").first).to_have_text("Awaiting authorisation")

    # The AP lead reads the school's invoices but does not decide on them: no button to.
    lead = new_context().new_page()
    sign_in(lead, world.user(K.SCHOOL, Role.AP_LEAD).email, TEST_PASSWORD)
    _open_invoice(lead, number)
    expect(lead.locator("table tbody tr")).to_contain_text("5 / 7")
    expect(lead.get_by_role("link", name=DECIDE)).to_have_count(0)
    expect(lead.get_by_role("button", name=DECIDE)).to_have_count(0)

    finance = new_context().new_page()
    sign_in(finance, books.finance.user.email, TEST_PASSWORD)
    _open_invoice(finance, number)
    _clean(finance, axe_check)
    finance.get_by_role("link", name=DECIDE).click()
    finance.get_by_role("button", name="Save decision").click()
    expect(finance.locator(".govuk-error-summary")).to_contain_text("Choose whether to authorise")
    _clean(finance, axe_check)
    finance.get_by_label("Authorise it for payment").check()
    finance.get_by_role("button", name="Save decision").click()
    expect(finance.get_by_role("heading", level=1)).to_have_text(f"Invoice {number}")
    expect(finance.locator(".govuk-tag").first).to_have_text("Authorised")
    expect(finance.get_by_role("link", name=DECIDE)).to_have_count(0)  # decided: nothing left to decide

    provider.reload()
    expect(provider.locator(".govuk-tag").first).to_have_text("Authorised")
