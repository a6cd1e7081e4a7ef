"""Demo invoice: Pathways invoices Hillside Academy for the last fortnight's sessions under this
term's SLA (per session delivered, no VAT); one line charges a session more than the registers show,
so the school's finance role finds it flagged in its queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from django.db import transaction

from placements.models import Placement
from placements.selectors import COMMITTED_STATES
from slas import services as sla_services
from tenancy.models import Membership
from tenancy.roles import Role
from tenancy.scoping import scope

from . import services
from .models import Invoice


def _member(org, role):
    with scope(organisation=org):
        return Membership.objects.select_related("user", "organisation").filter(role=role).first()


def load_finance_demo(orgs: dict, users: dict, now: dt.datetime) -> None:
    school, provider = orgs["hillside-academy"], orgs["pathways"]
    with scope(organisation=provider):
        if Invoice.objects.exists():
            return
    head, manager = _member(school, Role.HEADTEACHER), _member(provider, Role.PROVIDER_MANAGER)
    if head is None or manager is None:
        return
    today = now.date()
    with scope(organisation=school):
        covered = list(Placement.objects.filter(provider=provider, state__in=COMMITTED_STATES))
        if not covered:
            return
        sla = sla_services.sla_create(school=school, provider=provider, created_by=head.user, now=now)
        sla = sla_services.sla_update_schedule(sla=sla, now=now, data={
            "start_date": today - dt.timedelta(weeks=8), "end_date": today + dt.timedelta(weeks=4),
            "hours_per_week": Decimal("10.0"), "days_and_sessions": "Tuesday and Thursday, 9:00am to 2:30pm",
            "number_of_pupils": len(covered), "rate": Decimal("85.00"), "rate_unit": "session",
            "placements": covered, "transport_arrangement": "Taxi arranged by the school"})
        sla = sla_services.sla_send(sla=sla, by=head.user, now=now)
    for member in (manager, head):
        with scope(organisation=member.organisation):
            sla_services.sla_sign(sla=sla, membership=member, typed_name=member.user.full_name,
                                  position=member.job_title or member.get_role_display(), now=now)
    # Rendered once the demo's transaction has committed, as slas.demo does.
    transaction.on_commit(partial(sla_services.sla_pdf_ensure, sla_id=sla.pk, now=now))
    with scope(organisation=provider):
        sla.refresh_from_db()
        invoice = services.invoice_raise(sla=sla, period_start=today - dt.timedelta(days=14),
                                         period_end=today - dt.timedelta(days=1), by=manager.user,
                                         organisation=provider, now=now)
        line = invoice.lines.order_by("position").first()
        if line is not None:  # one session more than the registers show: flagged
            services.line_update(line=line, quantity=line.supported_quantity + 1, description=line.description,
                                 by=manager.user, organisation=provider, now=now)
            services.invoice_submit(invoice=invoice, by=manager.user, organisation=provider, now=now)
