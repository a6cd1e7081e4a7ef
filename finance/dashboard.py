"""Invoices' dashboard panel: the school's budget holder sees the invoices awaiting authorisation,
the provider's manager the invoices the school queried. One query whatever the number of invoices:
the first few rows to act on, with the queue's count alongside (a window count)."""

from __future__ import annotations

from django.db.models import Count, Window

from apcommission.dashboards import Attention, Panel, PanelResult, Viewer, figure, register
from placements.templatetags.formatting import money
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from .models import Invoice
from .selectors import QUEUES

ATTENTION_LIMIT = 5


@register
class InvoicePanel(Panel):
    key = "invoices"
    order = 35
    kinds = frozenset({K.SCHOOL, K.PROVIDER})
    capabilities = frozenset({C.AUTHORISE_INVOICES, C.RAISE_INVOICES})

    def build(self, viewer: Viewer) -> PanelResult | None:
        if viewer.kind == K.SCHOOL:
            if not viewer.can(C.AUTHORISE_INVOICES):
                return None
            queue, verb = "awaiting", "Authorise, query or reject"
        else:
            if not viewer.can(C.RAISE_INVOICES):
                return None
            queue, verb = "queried", "Answer the school's query on"
        label, q = QUEUES[queue]
        rows = list(Invoice.objects.filter(q).select_related("school", "provider")
                    .annotate(total=Window(Count("pk"))).order_by("created_at", "pk")[:ATTENTION_LIMIT])
        total = rows[0].total if rows else 0
        attention = []
        for invoice in rows:
            other = invoice.provider.name if viewer.kind == K.SCHOOL else invoice.school.name
            hint = f"{invoice.flagged_lines} flagged line{'s' if invoice.flagged_lines != 1 else ''}" \
                if invoice.flagged_lines else ""
            attention.append(Attention(f"{verb} invoice {invoice.number} ({other}, {money(invoice.gross_total)})",
                                       viewer.link("finance:invoice_detail", pk=invoice.pk), hint))
        if total > ATTENTION_LIMIT:
            attention.append(Attention(f"See all {total}", viewer.link("finance:invoice_list", query={"queue": queue})))
        result = PanelResult(title="Invoices", attention=attention,
                             figures=figure(viewer, label, total, "finance:invoice_list", query={"queue": queue}))
        create = viewer.link("finance:invoice_create")
        if create:
            result.actions.append(Attention("Raise an invoice", create))
        return result
