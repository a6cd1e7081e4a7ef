"""finance.api.spend_by_placement: authorised net spend per placement for periods overlapping a window."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from finance import api, services
from finance.factories import invoice_raised
from placements.factories import PupilFactory
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope

from .conftest import END, NOW, START, add_sessions, make_books

D = Decimal


def _authorise(books, invoice):
    school = books.world.org(K.SCHOOL)
    with scope(organisation=school):
        services.invoice_decide(invoice=invoice, action="authorised", reason="", by=books.finance.user,
                                organisation=school, now=NOW)


def test_only_authorised_invoices_overlapping_the_window_count(world):
    books = make_books(world)  # per session, £85, 5 attended
    authorised = invoice_raised(sla=books.sla, provider_member=books.provider_manager, start=START, end=END, now=NOW,
                                submit=True)
    _authorise(books, authorised)
    # A second, later invoice only submitted: not spend yet.
    invoice_raised(sla=books.sla, provider_member=books.provider_manager, start=dt.date(2026, 11, 16),
                   end=dt.date(2026, 11, 27), now=NOW, submit=True, quantities={1: D("2")})
    pk = books.placement.pk
    school = world.org(K.SCHOOL)
    with scope(organisation=school):
        assert api.spend_by_placement([pk], start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)) == {pk: D("425.00")}
        assert api.spend_by_placement([pk], start=END, end=END) == {pk: D("425.00")}  # overlaps on the last day
        assert api.spend_by_placement([pk], start=dt.date(2026, 11, 14), end=dt.date(2026, 12, 31)) == {}
        assert api.spend_by_placement([], start=START, end=END) == {}
    with scope(organisation=world.org(K.TRUST)):  # a trust reads its schools' figures
        assert api.spend_by_placement([pk], start=START, end=END) == {pk: D("425.00")}
    for other in (world.org(K.LOCAL_AUTHORITY), world.org(K.SCHOOL, "b")):
        with scope(organisation=other):
            assert api.spend_by_placement([pk], start=START, end=END) == {}


def test_a_per_term_charge_is_shared_between_the_slas_placements_in_two_queries(world):
    from finance.factories import invoiceable_sla
    from placements.factories import placement_in_state
    from tenancy.roles import Role

    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    placements = []
    for n in range(3):
        pupil = PupilFactory(school=school, first_name=f"Term{n}")
        placement = placement_in_state(pupil=pupil, provider=provider, state="active", now=NOW)
        add_sessions(placement)
        placements.append(placement)
    sla = invoiceable_sla(school_member=world.member(K.SCHOOL, Role.AP_LEAD),
                          provider_member=world.member(K.PROVIDER, Role.PROVIDER_MANAGER), placements=placements,
                          rate=D("1000.00"), rate_unit="term", now=NOW)
    manager = world.member(K.PROVIDER, Role.PROVIDER_MANAGER)
    invoice = invoice_raised(sla=sla, provider_member=manager, start=START, end=END, now=NOW, submit=True)
    assert invoice.net_total == D("1000.00")
    books = make_books.__globals__["Books"](world, placements[0], sla)
    _authorise(books, invoice)
    ids = [p.pk for p in placements]
    with scope(organisation=school), CaptureQueriesContext(connection) as captured:
        spend = api.spend_by_placement(ids, start=START, end=END)
    assert spend == {ids[0]: D("333.34"), ids[1]: D("333.33"), ids[2]: D("333.33")}
    assert len(captured) == 2
    with scope(organisation=school):
        assert api.spend_by_placement(ids[1:2], start=START, end=END) == {ids[1]: D("333.33")}
