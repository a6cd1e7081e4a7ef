"""Invoice pages end to end: raise, change a line, send, decide; who may decide; what each role reads."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from apcommission import clock
from finance.factories import invoice_raised
from finance.models import Invoice, InvoiceLine, InvoiceStatus
from placements.factories import PupilFactory
from tenancy.roles import ROLE_KINDS, Role, role_has
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scopes_disabled

from .conftest import END, NOW, START, make_books


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


D = Decimal
SENTINEL_FIRST, SENTINEL_LAST = "Thessaly", "Wrenfield"


def _url(name, org, **kw):
    return reverse(f"finance:{name}", kwargs={"org": org.slug, **kw})


@pytest.fixture
def named_books(world):
    pupil = PupilFactory(school=world.org(K.SCHOOL), first_name=SENTINEL_FIRST, last_name=SENTINEL_LAST,
                         upn="A123456789012")
    return make_books(world, pupil=pupil)


def test_the_provider_raises_changes_and_sends_an_invoice_through_the_pages(named_books, login):
    books = named_books
    provider = books.world.org(K.PROVIDER)
    client = login(books.provider_manager.user)
    with clock.frozen(NOW):
        page = client.get(_url("invoice_create", provider))
        assert page.status_code == 200 and books.sla.reference in page.content.decode()
        response = client.post(_url("invoice_create", provider), {
            "sla": books.sla.pk, "period_start_0": START.day, "period_start_1": START.month,
            "period_start_2": START.year, "period_end_0": END.day, "period_end_1": END.month,
            "period_end_2": END.year})
        assert response.status_code == 302
        with scopes_disabled():
            invoice = Invoice.objects.get()
            line = invoice.lines.get()
        detail = client.get(response["Location"]).content.decode()
        assert f"{SENTINEL_FIRST} {SENTINEL_LAST}" in detail and "5 / 7" in detail and "£425" in detail
        refused = client.post(_url("line_edit", provider, pk=invoice.pk, line_pk=line.pk),
                              {"description": "Sessions", "quantity": "lots"})
        assert refused.status_code == 400 and "Enter the quantity as a number" in refused.content.decode()
        client.post(_url("line_edit", provider, pk=invoice.pk, line_pk=line.pk),
                    {"description": "Sessions delivered", "quantity": "6"})
        detail = client.get(_url("invoice_detail", provider, pk=invoice.pk)).content.decode()
        assert "Flagged" in detail and "1 more than supported" in detail and "£612" in detail
        assert client.post(_url("invoice_submit", provider, pk=invoice.pk)).status_code == 302
    # The school's budget holder sees the line against the sessions, flagged, and decides.
    school = books.world.org(K.SCHOOL)
    client = login(books.finance.user)
    detail = client.get(_url("invoice_detail", school, pk=invoice.pk)).content.decode()
    assert "Flagged" in detail and "5 / 7" in detail and "Authorise, query or reject" in detail
    refused = client.post(_url("invoice_decide", school, pk=invoice.pk), {"decision": "queried", "reason": ""})
    assert refused.status_code == 400 and "Enter why you are querying or rejecting" in refused.content.decode()
    assert client.post(_url("invoice_decide", school, pk=invoice.pk),
                       {"decision": "queried", "reason": "Only 5 sessions attended"}).status_code == 302
    with scopes_disabled():
        assert Invoice.objects.get().status == InvoiceStatus.QUERIED
    provider_page = login(books.provider_manager.user).get(_url("invoice_detail", provider, pk=invoice.pk))
    assert "Only 5 sessions attended" in provider_page.content.decode()


ALL_MEMBERS = [(kind, role) for kind, roles in ROLE_KINDS.items() for role in sorted(roles)]


@pytest.mark.parametrize(("kind", "role"), ALL_MEMBERS)
def test_only_the_finance_role_can_authorise(named_books, login, kind, role):
    books = named_books
    invoice = invoice_raised(sla=books.sla, provider_member=books.provider_manager, start=START, end=END, now=NOW,
                             submit=True)
    member = books.world.member(kind, role)
    response = login(member.user).post(_url("invoice_decide", member.organisation, pk=invoice.pk),
                                       {"decision": "authorised", "reason": ""})
    with scopes_disabled():
        status = Invoice.objects.get(pk=invoice.pk).status
    if role == Role.FINANCE:
        assert response.status_code == 302 and status == InvoiceStatus.AUTHORISED
    else:
        assert response.status_code == 403 and status == InvoiceStatus.SUBMITTED


@pytest.mark.parametrize(("kind", "role"), ALL_MEMBERS)
def test_what_each_role_reads_of_the_pupil_on_invoice_pages_and_the_csv(named_books, login, kind, role):
    books = named_books
    invoice = invoice_raised(sla=books.sla, provider_member=books.provider_manager, start=START, end=END, now=NOW,
                             submit=True, quantities={1: D("6")})
    member = books.world.member(kind, role)
    client = login(member.user)
    org = member.organisation
    pages = [client.get(_url("invoice_detail", org, pk=invoice.pk)), client.get(_url("invoice_list", org)),
             client.get(_url("invoice_export", org))]
    reads = role_has(role, "view_finance") and kind in (K.SCHOOL, K.PROVIDER)
    for n, page in enumerate(pages):
        text = page.content.decode()
        assert page.status_code == (200 if reads else 403)
        # The list names no pupil; the invoice and its CSV name ours to those who read it, and no other.
        assert (SENTINEL_LAST in text) == (reads and n != 1), (page.request["PATH_INFO"], page.status_code)
        assert (invoice.number in text) == reads
        assert "PupilB" not in text
    if reads:
        rows = list(csv.DictReader(io.StringIO(pages[2].content.decode())))
        assert [(r["Invoice number"], r["Pupil"], r["UPN"], r["Quantity"], r["Net"], r["VAT"], r["Gross"],
                 r["Flagged"], r["Nominal code"]) for r in rows] == [
            (invoice.number, f"{SENTINEL_FIRST} {SENTINEL_LAST}", "A123456789012", "6.00", "510.00", "102.00",
             "612.00", "Yes", "")]


def test_a_school_never_sees_a_draft_and_another_school_never_sees_the_invoice(named_books, login):
    books = named_books
    draft = invoice_raised(sla=books.sla, provider_member=books.provider_manager, start=START, end=END, now=NOW)
    client = login(books.finance.user)
    assert client.get(_url("invoice_detail", books.world.org(K.SCHOOL), pk=draft.pk)).status_code == 404
    other = books.world.member(K.SCHOOL, Role.FINANCE, "b")
    assert login(other.user).get(_url("invoice_detail", other.organisation, pk=draft.pk)).status_code == 404


def _many(books, invoices: int, lines_each: int):
    """`invoices` submitted invoices with `lines_each` lines each, written directly (query counts only)."""
    with scopes_disabled():
        base = Invoice.objects.filter(sla=books.sla).count()
        rows = Invoice.objects.bulk_create(
            Invoice(sla=books.sla, school_id=books.sla.school_id, provider_id=books.sla.provider_id,
                    number=f"BULK-{base + i}", period_start=START, period_end=END, status=InvoiceStatus.SUBMITTED,
                    rate_unit="session", vat_rate=D("20"), created_by=books.provider_manager.user, created_at=NOW,
                    submitted_at=NOW, issued_on=NOW.date()) for i in range(invoices))
        InvoiceLine.objects.bulk_create(
            InvoiceLine(invoice=invoice, placement=books.placement, position=n, description="Sessions",
                        quantity=D("5"), unit_price=D("85"), net=D("425"), vat=D("85"), supported_quantity=D("4"))
            for invoice in rows for n in range(1, lines_each + 1))
    return rows


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


def test_lists_cost_the_same_queries_with_10_or_1000_rows(books, login):
    school = books.world.org(K.SCHOOL)
    client = login(books.finance.user)
    [first] = _many(books, 1, 10)
    _many(books, 9, 1)
    client.get(_url("invoice_export", school))  # warm the content-type cache the audit log uses
    small = {"list": _queries(client, _url("invoice_list", school)),
             "export": _queries(client, _url("invoice_export", school)),
             "detail": _queries(client, _url("invoice_detail", school, pk=first.pk)),
             "dashboard": _queries(client, reverse("dashboard", kwargs={"org": school.slug}))}
    [big] = _many(books, 1, 1000)
    _many(books, 989, 1)
    large = {"list": _queries(client, _url("invoice_list", school)),
             "export": _queries(client, _url("invoice_export", school)),
             "detail": _queries(client, _url("invoice_detail", school, pk=big.pk)),
             "dashboard": _queries(client, reverse("dashboard", kwargs={"org": school.slug}))}
    assert small == large
