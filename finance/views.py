"""Invoice pages: thin views over finance.selectors and finance.services.

Reading invoices: `view_finance` (a school's headteacher, AP lead and finance; a provider's manager).
Raising, changing and sending them: `raise_invoices` (provider manager). Authorising, querying and
rejecting: `authorise_invoices` (the school's finance role only)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from apcommission import clock
from apcommission.forms import SubmitForm, posted, render_form_page, service_errors
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from . import selectors, services
from .forms import DecisionForm, InvoiceRaiseForm, LineForm
from .models import Invoice, InvoiceLine, InvoiceStatus

BOTH = (K.SCHOOL, K.PROVIDER)


def _invoice(pk) -> Invoice:
    try:
        return selectors.invoice_get(pk)
    except Invoice.DoesNotExist as exc:
        raise Http404("No such invoice") from exc


def _detail_url(org, invoice) -> str:
    return reverse("finance:invoice_detail", kwargs={"org": org, "pk": invoice.pk})


@org_view(C.VIEW_FINANCE, kinds=BOTH)
def invoice_list_view(request, org):
    queue = request.GET.get("queue", "")
    queue = queue if queue in selectors.QUEUES else ""
    page = Paginator(selectors.invoice_list(queue), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "finance/list.html", {
        "page": page, "invoices": page.object_list, "queue": queue,
        "queue_label": selectors.QUEUES[queue][0] if queue else "",
        "queues": [(name, label) for name, (label, _q) in selectors.QUEUES.items()],
        "can_raise": request.membership.can(C.RAISE_INVOICES) and request.organisation.kind == K.PROVIDER,
    })


@org_view(C.RAISE_INVOICES, kinds=(K.PROVIDER,))
def invoice_create_view(request, org):
    form = InvoiceRaiseForm(posted(request), slas=services.invoiceable_slas())
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            invoice = services.invoice_raise(
                sla=form.cleaned_data["sla"], period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"], by=request.user, organisation=request.organisation,
                now=clock.now())
            messages.success(request, f"Draft invoice {invoice.number} created from the sessions in the period. "
                                      "Check each line, then send it to the school.")
            return redirect("finance:invoice_detail", org=org, pk=invoice.pk)
    return render_form_page(request, form, title="Raise an invoice", status=400 if form.errors else 200,
                            back_url=reverse("finance:invoice_list", kwargs={"org": org}), back_label="Back to invoices",
                            intro=["Choose a signed SLA and the period the invoice covers. The lines are filled in "
                                   "from the SLA's costing basis and the sessions in the period: you can change "
                                   "them before you send the invoice."])


@org_view(C.VIEW_FINANCE, kinds=BOTH)
def invoice_detail_view(request, org, pk):
    invoice = _invoice(pk)
    membership = request.membership
    is_provider = request.organisation.pk == invoice.provider_id
    rows = selectors.line_rows(invoice, membership)
    return render(request, "finance/detail.html", {
        "invoice": invoice, "rows": rows, "history": selectors.history(invoice, membership),
        "basis": selectors.basis_label(invoice.rate_unit),
        "can_edit": is_provider and invoice.is_editable and membership.can(C.RAISE_INVOICES),
        "can_decide": (not is_provider and invoice.status == InvoiceStatus.SUBMITTED
                       and membership.can(C.AUTHORISE_INVOICES)),
        "flagged_rows": [r for r in rows if r.flagged],
    })


@org_view(C.RAISE_INVOICES, kinds=(K.PROVIDER,))
def line_edit_view(request, org, pk, line_pk):
    invoice = _invoice(pk)
    try:
        line = selectors.line_get(invoice, line_pk)
    except InvoiceLine.DoesNotExist as exc:
        raise Http404("No such line") from exc
    form = LineForm(posted(request), initial={"description": line.description, "quantity": line.quantity})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.line_update(line=line, quantity=form.cleaned_data["quantity"],
                                 description=form.cleaned_data["description"], by=request.user,
                                 organisation=request.organisation, now=clock.now())
            messages.success(request, f"Line {line.position} saved.")
            return redirect("finance:invoice_detail", org=org, pk=invoice.pk)
    unit = selectors.rules.unit_word(invoice.rate_unit, line.supported_quantity)
    return render_form_page(
        request, form, title=f"Change line {line.position} of invoice {invoice.number}",
        status=400 if form.errors else 200, back_url=_detail_url(org, invoice), back_label="Back to the invoice",
        intro=[f"The sessions in the period support {line.supported_quantity.normalize():f} {unit} "
               f"({line.attended_sessions} sessions attended of {line.expected_sessions} expected)."])


@org_view(C.RAISE_INVOICES, kinds=(K.PROVIDER,))
def invoice_submit_view(request, org, pk):
    invoice = _invoice(pk)
    form = SubmitForm(posted(request), submit="Send the invoice")
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.invoice_submit(invoice=invoice, by=request.user, organisation=request.organisation,
                                    now=clock.now())
            messages.success(request, f"Invoice {invoice.number} sent to {invoice.school.name}.")
            return redirect("finance:invoice_detail", org=org, pk=invoice.pk)
    flagged = (f"{invoice.flagged_lines} line{'s' if invoice.flagged_lines != 1 else ''} charge more than the "
               "sessions support: the school sees the difference." if invoice.flagged_lines else "")
    return render_form_page(request, form, title=f"Send invoice {invoice.number} to {invoice.school.name}",
                            status=400 if form.errors else 200, back_url=_detail_url(org, invoice),
                            back_label="Back to the invoice", warning=flagged,
                            intro=["The school's budget holder authorises, queries or rejects it. You cannot change "
                                   "it unless they query it."])


@org_view(C.AUTHORISE_INVOICES, kinds=(K.SCHOOL,))
def invoice_decide_view(request, org, pk):
    invoice = _invoice(pk)
    form = DecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            invoice = services.invoice_decide(invoice=invoice, action=form.cleaned_data["decision"],
                                              reason=form.cleaned_data["reason"], by=request.user,
                                              organisation=request.organisation, now=clock.now())
            messages.success(request, f"Invoice {invoice.number}: {invoice.get_status_display().lower()}.")
            return redirect("finance:invoice_detail", org=org, pk=invoice.pk)
    several = invoice.flagged_lines != 1
    warning = (f"{invoice.flagged_lines} line{'s' if several else ''} of this invoice charge{'' if several else 's'} "
               "more than the sessions support." if invoice.flagged_lines else "")
    return render_form_page(request, form, title=f"Decide on invoice {invoice.number} from {invoice.provider.name}",
                            status=400 if form.errors else 200, back_url=_detail_url(org, invoice),
                            back_label="Back to the invoice", warning=warning)


@org_view(C.VIEW_FINANCE, kinds=BOTH)
def invoice_export_view(request, org):
    queue = request.GET.get("queue", "")
    queue = queue if queue in selectors.QUEUES else ""
    audit_request(request, action=AuditAction.EXPORT, obj=request.organisation,
                  detail=f"Invoice lines CSV{' (' + queue + ')' if queue else ''}")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoices-{request.organisation.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(selectors.CSV_HEADER)
    writer.writerows(selectors.export_rows(request.membership, queue))
    return response
