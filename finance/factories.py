"""Test and demo data for invoices, built through the services (slas and finance) like a user would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from apcommission import clock
from tenancy.scoping import scope

from . import services
from .models import Invoice


def invoiceable_sla(*, school_member, provider_member, placements, rate: Decimal = Decimal("85.00"),
                    rate_unit: str = "session", vat_rate: Decimal = Decimal("0.00"),
                    start: dt.date = dt.date(2026, 9, 1), end: dt.date = dt.date(2027, 7, 21), now=None):
    """An SLA between the members' school and provider covering `placements`, signed by both."""
    from slas import services as sla_services
    from slas.factories import draft_sla

    now = now or clock.now()
    school, provider = school_member.organisation, provider_member.organisation
    sla = draft_sla(school=school, provider=provider, by=school_member.user, now=now)
    with scope(organisation=school):
        sla_services.sla_update_schedule(sla=sla, now=now, data={
            "placements": list(placements), "rate": rate, "rate_unit": rate_unit, "vat_rate": vat_rate,
            "start_date": start, "end_date": end})
        sla_services.sla_send(sla=sla, by=school_member.user, now=now)
    for member in (provider_member, school_member):
        with scope(organisation=member.organisation):
            sla_services.sla_sign(sla=sla, membership=member, typed_name=member.user.full_name,
                                  position=member.job_title or member.get_role_display(), now=now)
    sla.refresh_from_db()
    return sla


def invoice_raised(*, sla, provider_member, start: dt.date, end: dt.date, now=None, submit: bool = False,
                   quantities: dict[int, Decimal] | None = None) -> Invoice:
    """A draft invoice under `sla` (lines changed to `quantities` by position), sent if `submit`."""
    now = now or clock.now()
    provider = provider_member.organisation
    with scope(organisation=provider):
        invoice = services.invoice_raise(sla=sla, period_start=start, period_end=end, by=provider_member.user,
                                         organisation=provider, now=now)
        for line in invoice.lines.all():
            if quantities and line.position in quantities:
                services.line_update(line=line, quantity=quantities[line.position], description=line.description,
                                     by=provider_member.user, organisation=provider, now=now)
        if submit:
            invoice = services.invoice_submit(invoice=invoice, by=provider_member.user, organisation=provider,
                                              now=now)
        invoice.refresh_from_db()
    return invoice
