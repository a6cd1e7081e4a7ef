"""Invoice writes: raise (lines from the SLA's costing basis and the period's sessions), change a
line, submit, and the school's decision. Each runs in the caller's scope, in one transaction;
a refusal is a ValidationError (an error summary on the page). Arithmetic is in finance.rules.

Emails say which invoice and what to do, never a pupil's name nor the reason typed (which may
name one): the link leads to them after signing in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from attendance.models import ExpectedSession, Mark
from attendance.rules import ATTENDED_MARKS
from notifications.services import notify
from placements.templatetags.formatting import money as money_text
from slas.models import RateUnit, ServiceLevelAgreement, SLAStatus
from tenancy.models import AuditAction, Organisation
from tenancy.roles import Role
from tenancy.services import audit_record

from . import rules
from .models import (
    EDITABLE_STATES,
    DecisionAction,
    Invoice,
    InvoiceDecision,
    InvoiceLine,
    InvoiceStatus,
)

INVOICEABLE_SLA_STATES = (SLAStatus.SIGNED, SLAStatus.TERMINATED)
MAX_PERIOD_DAYS = 366
# Who is told: the school's budget holder; the provider's manager (who raises invoices).
SCHOOL_READERS = (Role.FINANCE,)
PROVIDER_READERS = (Role.PROVIDER_MANAGER,)


def invoiceable_slas():
    """The signed SLAs the provider may invoice against (in its scope)."""
    return (ServiceLevelAgreement.objects.filter(status__in=INVOICEABLE_SLA_STATES, rate__isnull=False)
            .select_related("school").order_by("school__name", "reference", "-version"))


def _period_text(start: dt.date, end: dt.date) -> str:
    return f"{start:%-d %B %Y} to {end:%-d %B %Y}"


def _session_facts(placement_ids, start: dt.date, end: dt.date) -> dict[int, list[rules.SessionFact]]:
    """The period's sessions per placement, one query."""
    facts: dict[int, list[rules.SessionFact]] = defaultdict(list)
    rows = (ExpectedSession.objects.filter(placement_id__in=list(placement_ids), date__gte=start, date__lte=end)
            .values_list("placement_id", "date", "starts_at", "ends_at", "mark"))
    for placement_id, date, starts_at, ends_at, mark in rows:
        facts[placement_id].append(rules.SessionFact(
            date=date, hours=rules.hours_between(starts_at, ends_at), attended=mark in ATTENDED_MARKS,
            booked=mark != Mark.NOT_REQUIRED))
    return facts


def _basis_text(basis: str, start: dt.date, end: dt.date) -> str:
    label = RateUnit(basis).label if basis in RateUnit.values else basis
    return f"Charged {label}, {_period_text(start, end)}"


def draft_lines(sla: ServiceLevelAgreement, start: dt.date, end: dt.date) -> list[InvoiceLine]:
    """The lines an invoice for `start`..`end` starts with (unsaved): per placement the SLA covers,
    or one for the SLA (per week, per term), each with the quantity the sessions support."""
    basis, rate = sla.rate_unit, sla.rate
    placements = list(sla.placements.order_by("pk"))
    facts = _session_facts([p.pk for p in placements], start, end)
    description = _basis_text(basis, start, end)
    lines = []
    if basis in rules.SLA_LEVEL_BASES:
        every = [f for p in placements for f in facts.get(p.pk, [])]
        counted = rules.basis_quantities(basis, every)
        lines.append(InvoiceLine(placement=None, description=description, quantity=counted.supported,
                                 unit_price=rate, supported_quantity=counted.supported,
                                 attended_sessions=counted.attended_sessions,
                                 expected_sessions=counted.expected_sessions))
    else:
        for placement in placements:
            counted = rules.basis_quantities(basis, facts.get(placement.pk, []))
            lines.append(InvoiceLine(placement=placement, description=description, quantity=counted.supported,
                                     unit_price=rate, supported_quantity=counted.supported,
                                     attended_sessions=counted.attended_sessions,
                                     expected_sessions=counted.expected_sessions))
    for position, line in enumerate(lines, start=1):
        line.position = position
    return lines


def _price(line: InvoiceLine, vat_rate: Decimal) -> None:
    line.net = rules.line_net(line.quantity, line.unit_price)
    line.vat = rules.line_vat(line.net, vat_rate)


def _retotal(invoice: Invoice) -> None:
    lines = list(InvoiceLine.objects.filter(invoice=invoice).values_list("net", "vat", "quantity",
                                                                          "supported_quantity"))
    total = rules.totals((net, vat) for net, vat, _q, _s in lines)
    invoice.net_total, invoice.vat_total, invoice.gross_total = total.net, total.vat, total.gross
    invoice.flagged_lines = sum(1 for _n, _v, quantity, supported in lines if rules.flagged(quantity, supported))


def _next_number(provider: Organisation) -> str:
    Organisation.objects.select_for_update().filter(pk=provider.pk).first()  # one number at a time
    return f"INV-{Invoice.objects.filter(provider=provider).count() + 1:05d}"


def _check_period(sla: ServiceLevelAgreement, start: dt.date, end: dt.date, *, invoice: Invoice | None = None):
    if end < start:
        raise ValidationError({"period_end": "The last day of the period must be on or after the first day"})
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ValidationError({"period_end": "An invoice covers a year at most: choose a shorter period"})
    if sla.start_date and sla.end_date and not rules.periods_overlap(start, end, sla.start_date, sla.end_date):
        raise ValidationError(
            f"The period must fall within the SLA's dates ({_period_text(sla.start_date, sla.end_date)}).")
    others = (Invoice.objects.filter(sla__reference=sla.reference, provider=sla.provider,
                                     period_start__lte=end, period_end__gte=start)
              .exclude(status=InvoiceStatus.REJECTED))
    if invoice is not None:
        others = others.exclude(pk=invoice.pk)
    clash = others.first()
    if clash is not None:
        raise ValidationError(f"Invoice {clash.number} already covers "
                              f"{_period_text(clash.period_start, clash.period_end)} under this SLA.")


@transaction.atomic
def invoice_raise(*, sla: ServiceLevelAgreement, period_start: dt.date, period_end: dt.date, by,
                  organisation: Organisation, now: dt.datetime) -> Invoice:
    """A draft invoice from the provider against its signed SLA, with lines pre-filled."""
    if sla.provider_id != organisation.pk:
        raise ValidationError("Only the provider named in the SLA invoices under it.")
    if sla.status not in INVOICEABLE_SLA_STATES or sla.rate is None:
        raise ValidationError("Invoices are raised against a signed SLA with a rate.")
    _check_period(sla, period_start, period_end)
    invoice = Invoice.objects.create(
        sla=sla, school_id=sla.school_id, provider_id=sla.provider_id, number=_next_number(organisation),
        period_start=period_start, period_end=period_end, rate_unit=sla.rate_unit, vat_rate=sla.vat_rate,
        created_by=by, created_at=now)
    lines = draft_lines(sla, period_start, period_end)
    for line in lines:
        line.invoice = invoice
        _price(line, invoice.vat_rate)
    InvoiceLine.objects.bulk_create(lines)
    _retotal(invoice)
    invoice.save(update_fields=["net_total", "vat_total", "gross_total", "flagged_lines"])
    audit_record(organisation=organisation, user=by, action=AuditAction.CREATE, obj=invoice,
                 detail=f"Invoice {invoice.number} raised for {_period_text(period_start, period_end)}")
    return invoice


def _lock(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


@transaction.atomic
def line_update(*, line: InvoiceLine, quantity: Decimal, description: str, by, organisation: Organisation,
                now: dt.datetime) -> InvoiceLine:
    """The provider changes a line's quantity or wording while the invoice is with it. A quantity
    above what the sessions support is allowed and flagged."""
    invoice = _lock(line.invoice)
    if invoice.status not in EDITABLE_STATES:
        raise ValidationError("This invoice is with the school: its lines cannot change now.")
    if quantity < 0:
        raise ValidationError({"quantity": "The quantity must be 0 or more"})
    line = InvoiceLine.objects.select_for_update().get(pk=line.pk, invoice=invoice)
    line.quantity, line.description = rules.money(quantity), description.strip() or line.description
    _price(line, invoice.vat_rate)
    line.save(update_fields=["quantity", "description", "net", "vat"])
    _retotal(invoice)
    invoice.save(update_fields=["net_total", "vat_total", "gross_total", "flagged_lines"])
    audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=invoice,
                 detail=f"Line {line.position} of invoice {invoice.number}: quantity {line.quantity}")
    return line


def _invoice_link(org: Organisation, invoice: Invoice) -> str:
    return reverse("finance:invoice_detail", kwargs={"org": org.slug, "pk": invoice.pk})


@transaction.atomic
def invoice_submit(*, invoice: Invoice, by, organisation: Organisation, now: dt.datetime) -> Invoice:
    """The provider sends a draft (or a queried invoice, changed) to the school's budget holder."""
    invoice = _lock(invoice)
    if invoice.status not in EDITABLE_STATES:
        raise ValidationError("Only a draft or a queried invoice can be sent.")
    if not InvoiceLine.objects.filter(invoice=invoice).exists():
        raise ValidationError("The invoice has no lines: the SLA names no placements.")
    if invoice.gross_total <= 0:
        raise ValidationError("The invoice comes to nothing: change a quantity before sending it.")
    resubmission = invoice.status == InvoiceStatus.QUERIED
    invoice.status = InvoiceStatus.SUBMITTED
    invoice.submitted_at = invoice.submitted_at or now
    invoice.issued_on = now.date()
    invoice.save(update_fields=["status", "submitted_at", "issued_on"])
    InvoiceDecision.objects.create(invoice=invoice, action=DecisionAction.SUBMITTED, gross_total=invoice.gross_total,
                                   by=by, by_organisation=organisation, at=now)
    audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=invoice,
                 detail=f"Invoice {invoice.number} {'sent again' if resubmission else 'sent'} to the school")
    school = Organisation.objects.get(pk=invoice.school_id)
    sent = InvoiceDecision.objects.filter(invoice=invoice, action=DecisionAction.SUBMITTED).count()
    flags = (f" {invoice.flagged_lines} line{'s' if invoice.flagged_lines != 1 else ''} charge more than the "
             "sessions support." if invoice.flagged_lines else "")
    notify(organisation=school, roles=SCHOOL_READERS, topic="invoice_submitted",
           subject=f"Invoice {invoice.number} is waiting for authorisation",
           body=(f"{organisation.name} has {'changed and sent again' if resubmission else 'sent'} invoice "
                 f"{invoice.number} for {money_text(invoice.gross_total)}.{flags} Sign in to check it against the "
                 "sessions delivered and authorise, query or reject it."),
           link=_invoice_link(school, invoice), dedupe_key=f"invoice_submitted:{invoice.pk}:{sent}", now=now,
           target=invoice)
    return invoice


DECISIONS = {
    DecisionAction.AUTHORISED: InvoiceStatus.AUTHORISED,
    DecisionAction.QUERIED: InvoiceStatus.QUERIED,
    DecisionAction.REJECTED: InvoiceStatus.REJECTED,
}


@transaction.atomic
def invoice_decide(*, invoice: Invoice, action: str, reason: str, by, organisation: Organisation,
                   now: dt.datetime) -> Invoice:
    """The school's budget holder authorises, queries or rejects a submitted invoice (a reason for
    a query or a rejection). A queried invoice goes back to the provider to change and send again."""
    invoice = _lock(invoice)
    if invoice.school_id != organisation.pk:
        raise ValidationError("Only the school the invoice is addressed to decides on it.")
    if invoice.status != InvoiceStatus.SUBMITTED:
        raise ValidationError("This invoice is not waiting for a decision.")
    if action not in DECISIONS:
        raise ValidationError({"decision": "Choose whether to authorise, query or reject the invoice"})
    reason = (reason or "").strip()
    if action != DecisionAction.AUTHORISED and not reason:
        raise ValidationError({"reason": "Enter why you are querying or rejecting the invoice"})
    invoice.status, invoice.decided_at = DECISIONS[action], now
    invoice.save(update_fields=["status", "decided_at"])
    InvoiceDecision.objects.create(invoice=invoice, action=action, reason=reason, gross_total=invoice.gross_total,
                                   by=by, by_organisation=organisation, at=now)
    label = DecisionAction(action).label.lower()
    audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=invoice,
                 detail=f"Invoice {invoice.number} {label}")
    provider = Organisation.objects.get(pk=invoice.provider_id)
    todo = {DecisionAction.AUTHORISED: "No action is needed.",
            DecisionAction.QUERIED: "Sign in to read the school's question, change the invoice and send it again.",
            DecisionAction.REJECTED: "Sign in to read the school's reason."}[action]
    decisions = InvoiceDecision.objects.filter(invoice=invoice).count()
    notify(organisation=provider, roles=PROVIDER_READERS, topic=f"invoice_{action}",
           subject=f"Invoice {invoice.number} {label}",
           body=f"{organisation.name} has {label} invoice {invoice.number} for {money_text(invoice.gross_total)}. {todo}",
           link=_invoice_link(provider, invoice), dedupe_key=f"invoice_decided:{invoice.pk}:{decisions}", now=now,
           target=invoice)
    return invoice
