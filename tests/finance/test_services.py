"""Raising, changing, sending and deciding invoices (finance.services) against known sessions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from finance import services
from finance.factories import invoice_raised
from finance.models import Invoice, InvoiceDecision, InvoiceLine, InvoiceStatus
from notifications.models import Notification
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import ATTENDED, BOOKED, DAYS_ATTENDED, END, NOW, START, make_books


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


D = Decimal


def _raise(books, **kw):
    return invoice_raised(sla=books.sla, provider_member=books.provider_manager, start=START, end=END, now=NOW, **kw)


@pytest.mark.parametrize(("basis", "quantity", "net"), [
    ("session", D(ATTENDED), D("425.00")),       # 5 attended × £85
    ("day", D(DAYS_ATTENDED), D("340.00")),      # 4 days with an attended session
    ("hour", D(BOOKED * 3), D("1785.00")),       # 7 booked sessions × 3 hours
    ("pupil_week", D(2), D("170.00")),           # weeks of 2 and 9 November booked
    ("week", D(2), D("170.00")),                 # one line for the SLA
    ("term", D(1), D("85.00")),                  # autumn term
])
def test_lines_come_from_the_costing_basis_and_the_sessions(world, basis, quantity, net):
    books = make_books(world, rate_unit=basis)
    invoice = _raise(books)
    with scopes_disabled():
        [line] = InvoiceLine.objects.filter(invoice=invoice)
    assert (line.quantity, line.supported_quantity, line.net) == (quantity, quantity, net)
    assert (line.attended_sessions, line.expected_sessions) == (ATTENDED, BOOKED)
    assert (line.placement_id is None) == (basis in ("week", "term"))
    assert invoice.status == InvoiceStatus.DRAFT and not line.flagged
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (net, (net * D("0.2")).quantize(D("0.01")),
                                                                          net + (net * D("0.2")).quantize(D("0.01")))


def test_a_quantity_above_the_sessions_delivered_is_flagged_with_the_difference(books):
    invoice = _raise(books, quantities={1: D("7")})
    with scopes_disabled():
        line = InvoiceLine.objects.get(invoice=invoice)
    assert line.flagged and line.excess == D("2") and line.supported_quantity == D("5")
    assert invoice.flagged_lines == 1
    # 7 × 85 = 595.00; VAT 119.00
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (D("595.00"), D("119.00"), D("714.00"))


def test_vat_free_sla_charges_no_vat(world):
    books = make_books(world, vat_rate=D("0.00"), rate=D("42.35"))
    invoice = _raise(books)
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (D("211.75"), D("0.00"), D("211.75"))


def test_submit_tells_the_budget_holder_and_the_school_then_sees_it(books):
    with scope(organisation=books.world.org(K.SCHOOL)):
        assert not Invoice.objects.exists()  # a draft stays with the provider
    invoice = _raise(books, submit=True)
    assert invoice.status == InvoiceStatus.SUBMITTED and invoice.issued_on == NOW.date()
    with scope(organisation=books.world.org(K.SCHOOL)):
        assert list(Invoice.objects.all()) == [invoice]
    with scopes_disabled():
        told = Notification.objects.filter(topic="invoice_submitted")
        assert {n.user_id for n in told} == {books.finance.user_id}
        assert books.placement.pupil.first_name not in told[0].subject + told[0].body


def test_an_la_sees_no_invoice_and_a_trust_its_schools_sent_ones(books):
    invoice = _raise(books, submit=True)
    with scope(organisation=books.world.org(K.LOCAL_AUTHORITY)):
        assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()
    with scope(organisation=books.world.org(K.TRUST)):
        assert list(Invoice.objects.all()) == [invoice]
    with scope(organisation=books.world.org(K.TRUST, "b")):
        assert not Invoice.objects.exists()
    with scope(organisation=books.world.org(K.PROVIDER, "b")):
        assert not Invoice.objects.exists()


def _decide(books, invoice, action, reason="", now=NOW):
    school = books.world.org(K.SCHOOL)
    with scope(organisation=school):
        return services.invoice_decide(invoice=invoice, action=action, reason=reason, by=books.finance.user,
                                       organisation=school, now=now)


def test_query_needs_a_reason_then_the_provider_changes_and_sends_again(books):
    invoice = _raise(books, submit=True, quantities={1: D("6")})
    with pytest.raises(ValidationError) as refused:
        _decide(books, invoice, "queried")
    assert "Enter why" in str(refused.value)
    invoice = _decide(books, invoice, "queried", "Pupil A was absent on 4 November")
    assert invoice.status == InvoiceStatus.QUERIED
    with scopes_disabled():
        told = Notification.objects.get(topic="invoice_queried")
        assert told.user_id == books.provider_manager.user_id
        assert "absent" not in told.body and "Pupil" not in told.subject + told.body  # the reason stays in the app
    provider = books.world.org(K.PROVIDER)
    with scope(organisation=provider):
        line = InvoiceLine.objects.get(invoice=invoice)
        services.line_update(line=line, quantity=D("5"), description=line.description, by=books.provider_manager.user,
                             organisation=provider, now=NOW)
        invoice = services.invoice_submit(invoice=invoice, by=books.provider_manager.user, organisation=provider,
                                          now=NOW + dt.timedelta(days=1))
    assert invoice.status == InvoiceStatus.SUBMITTED and invoice.flagged_lines == 0
    invoice = _decide(books, invoice, "authorised", now=NOW + dt.timedelta(days=2))
    assert invoice.status == InvoiceStatus.AUTHORISED
    with scopes_disabled():
        history = list(InvoiceDecision.objects.filter(invoice=invoice).values_list("action", "gross_total"))
        assert Notification.objects.filter(topic="invoice_submitted").count() == 2  # told again on resubmission
    assert history == [("submitted", D("612.00")), ("queried", D("612.00")), ("submitted", D("510.00")),
                       ("authorised", D("510.00"))]


def test_reject_needs_a_reason_and_ends_it(books):
    invoice = _raise(books, submit=True)
    with pytest.raises(ValidationError):
        _decide(books, invoice, "rejected", "   ")
    invoice = _decide(books, invoice, "rejected", "Not our placement")
    with pytest.raises(ValidationError):
        _decide(books, invoice, "authorised")
    provider = books.world.org(K.PROVIDER)
    with scope(organisation=provider), pytest.raises(ValidationError):
        services.invoice_submit(invoice=invoice, by=books.provider_manager.user, organisation=provider, now=NOW)


def test_a_sent_invoice_cannot_change_and_a_draft_cannot_be_decided(books):
    draft = _raise(books)
    with pytest.raises(Invoice.DoesNotExist):
        _decide(books, draft, "authorised")  # the school cannot even see a draft
    provider = books.world.org(K.PROVIDER)
    with scope(organisation=provider):
        services.invoice_submit(invoice=draft, by=books.provider_manager.user, organisation=provider, now=NOW)
        line = InvoiceLine.objects.filter(invoice=draft).get()
        with pytest.raises(ValidationError):
            services.line_update(line=line, quantity=D("1"), description="x", by=books.provider_manager.user,
                                 organisation=provider, now=NOW)


def test_periods_do_not_overlap_under_one_sla_unless_rejected(books):
    first = _raise(books, submit=True)
    with pytest.raises(ValidationError) as refused:
        _raise(books)
    assert first.number in str(refused.value)
    _decide(books, first, "rejected", "Wrong rate")
    assert _raise(books).number != first.number


def test_a_period_outside_the_sla_and_an_unsigned_sla_are_refused(books, world):
    provider = world.org(K.PROVIDER)
    with scope(organisation=provider):
        with pytest.raises(ValidationError):
            services.invoice_raise(sla=books.sla, period_start=dt.date(2028, 1, 1), period_end=dt.date(2028, 1, 31),
                                   by=books.provider_manager.user, organisation=provider, now=NOW)
        with pytest.raises(ValidationError):
            services.invoice_raise(sla=books.sla, period_start=END, period_end=START,
                                   by=books.provider_manager.user, organisation=provider, now=NOW)
    from slas.factories import draft_sla

    draft = draft_sla(school=world.org(K.SCHOOL), provider=provider, by=world.user(K.SCHOOL, Role.AP_LEAD), now=NOW)
    with scope(organisation=provider), pytest.raises(ValidationError):
        services.invoice_raise(sla=draft, period_start=START, period_end=END, by=books.provider_manager.user,
                               organisation=provider, now=NOW)


def test_invoice_numbers_run_per_provider(books):
    first = _raise(books)
    with scopes_disabled():
        Invoice.objects.filter(pk=first.pk).update(status=InvoiceStatus.REJECTED)
    assert (first.number, _raise(books).number) == ("INV-00001", "INV-00002")
