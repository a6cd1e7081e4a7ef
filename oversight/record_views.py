"""The placement record pages and PDFs (issue 14 item 1): thin; what each reader gets is decided in
oversight/record.py through the owning apps' selectors."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from apcommission import clock, pdf
from placements import selectors as placement_selectors
from placements.models import Placement
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from . import record

PLACEMENT_READERS = (K.SCHOOL, K.TRUST, K.PROVIDER)
PUPIL_READERS = (K.SCHOOL, K.TRUST)  # a provider reads a pupil only through its own placement


def _audit_detail(what: str, records) -> str:
    special = any(r.concerns for r in records)
    return what + (", with the dates of safeguarding concerns" if special else "")


def _placement_context(request, pk):
    try:
        placement = placement_selectors.placement_get(pk)
    except Placement.DoesNotExist:
        raise Http404("No such placement") from None
    one = record.placement_record(placement, request.membership, now=clock.now())
    if one.label.reference_only:  # a declined referral: the provider keeps a reference, not a record
        raise Http404("No record of this placement for your organisation")
    when = f", from {placement.start_date:%-d %B %Y}" if placement.start_date else f" (P-{placement.pk})"
    title = f"Placement record: {one.label.text} at {placement.provider.name}{when}"
    return placement, {"records": [one], "title": title, "placement": placement, "single": True,
                       "heading": one.label.text, "organisation": request.organisation}


def _page(request, obj, ctx):
    audit_request(request, action=AuditAction.VIEW, obj=obj, detail=_audit_detail("Placement record", ctx["records"]))
    return render(request, "oversight/record.html", ctx)


def _pdf(request, obj, ctx, *, footer: str, filename: str):
    data = pdf.render_pdf("oversight/record_print.html", {**ctx, "footer": footer})
    audit_request(request, action=AuditAction.EXPORT, obj=obj, detail=_audit_detail("Placement record PDF", ctx["records"]))
    return pdf.pdf_response(data, filename)


@org_view(C.VIEW_PUPILS, kinds=PLACEMENT_READERS)
def placement_record(request, org, pk):
    return _page(request, *_placement_context(request, pk))


@org_view(C.VIEW_PUPILS, kinds=PLACEMENT_READERS)
def placement_record_pdf(request, org, pk):
    placement, ctx = _placement_context(request, pk)
    return _pdf(request, placement, ctx, filename=f"placement-record-P-{placement.pk}.pdf",
                footer=f"Placement record P-{placement.pk} · {placement.provider.name} · {placement.school.name}")


def _pupil_context(request, pk):
    pupil = get_object_or_404(placement_selectors.pupil_list(), pk=pk)
    records = record.records_for(record.pupil_placements(pupil), request.membership, now=clock.now())
    name = record.pupil_label(pupil, request.membership)
    return pupil, {"records": records, "title": f"Placement record: {name}, all placements", "pupil": pupil,
                   "heading": name, "totals": record.totals(records), "organisation": request.organisation}


@org_view(C.VIEW_PUPILS, kinds=PUPIL_READERS)
def pupil_record(request, org, pk):
    return _page(request, *_pupil_context(request, pk))


@org_view(C.VIEW_PUPILS, kinds=PUPIL_READERS)
def pupil_record_pdf(request, org, pk):
    pupil, ctx = _pupil_context(request, pk)
    return _pdf(request, pupil, ctx, filename=f"placement-record-pupil-{pupil.pk}.pdf",
                footer=f"Placement record of pupil {pupil.pk} · {pupil.school.name}")
