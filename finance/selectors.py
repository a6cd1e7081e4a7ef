"""Invoice reads for pages and the CSV export, inside the caller's scope. What a member reads of
the pupil on a line comes from the visibility table (tenancy.visibility, placements.selectors):
the pupil's name and UPN only to roles that read both costs and identity; anyone else gets the
placement's reference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from placements.selectors import list_label
from slas.models import RateUnit
from tenancy.visibility import DataGroup, reader_for

from . import rules
from .models import Invoice, InvoiceDecision, InvoiceLine, InvoiceStatus

PAGE_SIZE = 50

# Named lists: the dashboard counts them and the invoice list filters by them (`?queue=`).
QUEUES = {
    "awaiting": ("Invoices awaiting authorisation", Q(status=InvoiceStatus.SUBMITTED)),
    "queried": ("Queried invoices to change and send again", Q(status=InvoiceStatus.QUERIED)),
    "authorised": ("Authorised invoices", Q(status=InvoiceStatus.AUTHORISED)),
}


def invoice_list(queue: str = ""):
    """The invoices the organisation sees (one query per page, whatever the number of lines)."""
    rows = Invoice.objects.select_related("school", "provider").order_by("-created_at", "-pk")
    if queue in QUEUES:
        rows = rows.filter(QUEUES[queue][1])
    return rows


def queue_counts() -> dict[str, int]:
    """Each queue's count in one query."""
    return Invoice.objects.aggregate(**{name: Count("pk", filter=q) for name, (_label, q) in QUEUES.items()})


def invoice_get(pk: int) -> Invoice:
    return Invoice.objects.select_related("school", "provider", "sla", "created_by").get(pk=pk)


def line_get(invoice: Invoice, pk: int) -> InvoiceLine:
    return InvoiceLine.objects.select_related("placement__pupil").get(invoice=invoice, pk=pk)


def basis_label(rate_unit: str) -> str:
    return RateUnit(rate_unit).label if rate_unit in RateUnit.values else rate_unit


@dataclass(frozen=True)
class LineRow:
    line: InvoiceLine
    pupil: str  # the name, a reference, or "" for a line charged for the whole SLA
    upn: str
    unit: str  # "sessions", "hours"...

    @property
    def flagged(self) -> bool:
        return self.line.flagged

    @property
    def excess(self) -> Decimal:
        return self.line.excess


def _pupil_of(line: InvoiceLine, membership, reads_names: bool) -> tuple[str, str]:
    if line.placement_id is None:
        return "All pupils under the SLA", ""
    if not reads_names:
        return f"Placement P-{line.placement_id}", ""
    label = list_label(line.placement, membership)
    return label.text, "" if label.reference_only else line.placement.pupil.upn


def reads_pupil_names(membership) -> bool:
    reader = reader_for(membership)
    return reader.can(DataGroup.COSTS) and reader.can(DataGroup.IDENTITY)


def line_rows(invoice: Invoice, membership) -> list[LineRow]:
    """The invoice's lines as this member reads them: one query."""
    names = reads_pupil_names(membership)
    rows = []
    for line in InvoiceLine.objects.filter(invoice=invoice).select_related("placement__pupil"):
        pupil, upn = _pupil_of(line, membership, names)
        rows.append(LineRow(line, pupil, upn, rules.unit_word(invoice.rate_unit, line.quantity)))
    return rows


def history(invoice: Invoice, membership) -> list[tuple[InvoiceDecision, str]]:
    """Submissions and decisions with who acted: a person only to their own organisation."""
    own = membership.organisation_id
    rows = []
    for decision in InvoiceDecision.objects.filter(invoice=invoice).select_related("by", "by_organisation"):
        who = decision.by_organisation.name
        if decision.by_organisation_id == own:
            who = f"{decision.by.full_name or decision.by.email}, {who}"
        rows.append((decision, who))
    return rows


CSV_HEADER = ("Invoice number", "Invoice date", "Supplier", "Customer", "Period start", "Period end", "Status",
              "Line", "Description", "Pupil", "UPN", "Quantity", "Unit", "Unit price", "Net", "VAT rate", "VAT",
              "Gross", "Supported quantity", "Sessions attended", "Sessions expected", "Flagged",
              "Nominal code", "Cost centre")


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def export_rows(membership, queue: str = "") -> Iterator[tuple]:
    """One row per invoice line, for a school's finance system (nominal code and cost centre left
    blank for the school to fill). Three queries whatever the number of invoices and lines."""
    names = reads_pupil_names(membership)
    invoices = {i.pk: i for i in invoice_list(queue)}
    lines = (InvoiceLine.objects.filter(invoice_id__in=list(invoices)).select_related("placement__pupil")
             .order_by("invoice__created_at", "invoice_id", "position"))
    for line in lines:
        invoice = invoices[line.invoice_id]
        pupil, upn = _pupil_of(line, membership, names)
        yield (_cell(invoice.number), _day(invoice.issued_on), _cell(invoice.provider.name), _cell(invoice.school.name),
               _day(invoice.period_start), _day(invoice.period_end), invoice.get_status_display(), line.position,
               _cell(line.description), _cell(pupil), upn, line.quantity,
               rules.unit_word(invoice.rate_unit, line.quantity), line.unit_price, line.net, invoice.vat_rate,
               line.vat, line.net + line.vat, line.supported_quantity, line.attended_sessions,
               line.expected_sessions, "Yes" if line.flagged else "No", "", "")
