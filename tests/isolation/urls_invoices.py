"""Isolation specs of the invoice pages (finance/urls.py, issue 14 item 4): a provider reaches its own
invoices (drafts included), a school those sent to it; trusts and LAs none; another side's invoice
is a 404, and school a never reaches provider a's invoice to school c."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

from .registry import UrlSpec
from .urls_attendance_reports import _placement  # the side's active placement, built once

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
FIRST_DAY = dt.date(2026, 9, 7)


def _sla(world, side):
    """A signed per-session SLA between the side's school and provider covering its placement (once)."""
    from finance.factories import invoiceable_sla

    slas = world.__dict__.setdefault("invoice_slas", {})
    if side not in slas:
        slas[side] = invoiceable_sla(school_member=world.member(K.SCHOOL, Role.AP_LEAD, side),
                                     provider_member=world.member(K.PROVIDER, Role.PROVIDER_MANAGER, side),
                                     placements=[_placement(world, side)], now=NOW)
    return slas[side]


def _invoice(world, side, *, submit):
    """A fresh invoice under the side's SLA, for a day of its own, charging one session."""
    from finance.factories import invoice_raised
    from finance.models import Invoice
    from tenancy.scoping import scopes_disabled

    sla = _sla(world, side)
    with scopes_disabled():
        day = FIRST_DAY + dt.timedelta(days=Invoice.objects.filter(sla=sla).count())
    invoice = invoice_raised(sla=sla, provider_member=world.member(K.PROVIDER, Role.PROVIDER_MANAGER, side),
                             start=day, end=day, now=NOW, submit=submit, quantities={1: Decimal("1")})
    return invoice


def _submitted(world, side):
    return {"pk": _invoice(world, side, submit=True).pk}


def _draft(world, side):
    return {"pk": _invoice(world, side, submit=False).pk}


def _draft_line(world, side):
    from tenancy.scoping import scopes_disabled

    invoice = _invoice(world, side, submit=False)
    with scopes_disabled():
        return {"pk": invoice.pk, "line_pk": invoice.lines.get().pk}


URLS = {
    "finance:invoice_list": UrlSpec(),
    "finance:invoice_create": UrlSpec(),
    "finance:invoice_export": UrlSpec(),
    "finance:invoice_detail": UrlSpec(kwargs=_submitted, school_owned=True),
    "finance:line_edit": UrlSpec(kwargs=_draft_line, school_owned=True),
    "finance:invoice_submit": UrlSpec(kwargs=_draft, school_owned=True),
    "finance:invoice_decide": UrlSpec(kwargs=_submitted, school_owned=True),
}
