"""The invoice page as the provider and the school read it: the note saying what "Supported" means
comes before the table that uses the word, and an invoice without lines says so across the whole
table, the provider's "Change" column included; the decision page's warning agrees with its number."""

from __future__ import annotations

from decimal import Decimal

from bs4 import BeautifulSoup
from django.urls import reverse

from apcommission import clock
from finance.factories import invoice_raised
from finance.models import InvoiceLine
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scopes_disabled

from .conftest import END, NOW, START


def _detail(client, org, invoice):
    with clock.frozen(NOW):
        response = client.get(reverse("finance:invoice_detail", kwargs={"org": org.slug, "pk": invoice.pk}))
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_supported_is_explained_before_the_lines(books, login):
    invoice = invoice_raised(sla=books.sla, provider_member=books.provider_manager, start=START, end=END, now=NOW,
                             submit=True)
    soup = _detail(login(books.finance.user), books.world.org(K.SCHOOL), invoice)
    heading = soup.find("h2", string="Lines against sessions")
    after = heading.find_next(["p", "table"])
    assert after.name == "p" and after.get_text().startswith("Supported: what the sessions in the period support")


def test_an_invoice_without_lines_says_so_across_every_column(books, login):
    draft = invoice_raised(sla=books.sla, provider_member=books.provider_manager, start=START, end=END, now=NOW)
    with scopes_disabled():
        InvoiceLine.objects.filter(invoice=draft).delete()
    soup = _detail(login(books.provider_manager.user), books.world.org(K.PROVIDER), draft)
    table = soup.find("h2", string="Lines against sessions").find_next("table")
    columns = len(table.select("thead th"))
    cell, = table.select("tbody td")
    assert columns == 9, "the provider's draft has a Change column"
    assert cell.get_text(strip=True) == "No lines: the SLA names no placements." and int(cell["colspan"]) == columns


def test_the_decision_page_warns_in_good_english_about_one_flagged_line(books, login):
    invoice = invoice_raised(sla=books.sla, provider_member=books.provider_manager, start=START, end=END, now=NOW,
                             submit=True, quantities={1: Decimal("6")})
    with clock.frozen(NOW):
        response = login(books.finance.user).get(reverse("finance:invoice_decide", kwargs={
            "org": books.world.org(K.SCHOOL).slug, "pk": invoice.pk}))
    text = " ".join(BeautifulSoup(response.content.decode(), "html.parser").get_text(" ").split())
    assert "1 line of this invoice charges more than the sessions support." in text
