"""Termly report and weekly behaviour update pages (issue 12 items 5 and 9). Thin: rules in
reports_rules, reads in reports_selectors, writes in reports_services.

The provider's report writers (`write_provider_reports`) draft and submit; the school's roles with
`record_visits` acknowledge; members who read pupils at the school or the provider read (what of a
report, the visibility table decides: reports_selectors.report_view). Trusts and LAs read none.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from apcommission import clock, pdf
from apcommission.forms import posted, render_form_page, service_errors
from placements import selectors as placement_selectors
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from . import reports_rules, reports_selectors, reports_services
from .models import ReportState, TermlyReport
from .reports_forms import AcknowledgeForm, BehaviourUpdateForm, ReportForm
from .views import _placement  # the placement this organisation sees, or 404

READERS = (K.SCHOOL, K.PROVIDER)


def _report(pk, membership) -> TermlyReport:
    try:
        report = reports_selectors.report_get(pk)
    except TermlyReport.DoesNotExist:
        raise Http404("No such report") from None
    if not reports_selectors.readable(report, membership):
        raise Http404("The provider has not submitted this report yet")
    return report


def _label(placement, membership):
    return placement_selectors.pupil_label(placement, placement_selectors.placement_reader(placement, membership))


def _list_url(org, placement_pk) -> str:
    return reverse("monitoring:report_list", kwargs={"org": org, "pk": placement_pk})


@org_view(C.VIEW_PUPILS, kinds=READERS)
def report_list(request, org, pk):
    placement = _placement(pk)
    membership = request.membership
    provider_side = request.organisation.kind == K.PROVIDER
    audit_request(request, action=AuditAction.VIEW, obj=placement, detail="Termly reports and behaviour updates")
    return render(request, "monitoring/report_list.html", {
        "placement": placement, "label": _label(placement, membership),
        "reports": reports_selectors.placement_reports(placement, membership),
        "updates": reports_selectors.placement_behaviour_updates(placement, membership),
        "can_write": provider_side and membership.can(C.WRITE_PROVIDER_REPORTS),
        "owes_update": reports_selectors.owes_behaviour_update(placement),
    })


@org_view(C.VIEW_PUPILS, kinds=READERS)
def report_detail(request, org, pk):
    report = _report(pk, request.membership)
    placement = _placement(report.placement_id)
    audit_request(request, action=AuditAction.VIEW, obj=report, detail="Termly report")
    membership = request.membership
    return render(request, "monitoring/report_detail.html", {
        "view": reports_selectors.report_view(report, placement, membership), "report": report,
        "placement": placement, "label": _label(placement, membership),
        "title": reports_rules.term_label(report.term_start),
        "can_write": (request.organisation.kind == K.PROVIDER and membership.can(C.WRITE_PROVIDER_REPORTS)
                      and not report.sent),
        "can_acknowledge": (request.organisation.kind == K.SCHOOL and membership.can(C.RECORD_VISITS)
                            and report.state == ReportState.SUBMITTED),
        "back_url": _list_url(org, placement.pk),
    })


@org_view(C.WRITE_PROVIDER_REPORTS, kinds=(K.PROVIDER,))
def report_edit(request, org, pk):
    report = _report(pk, request.membership)
    if report.sent:
        return redirect("monitoring:report_detail", org=org, pk=report.pk)
    placement = _placement(report.placement_id)
    now = clock.now()
    targets = ([row["target"] for row in report.target_progress] or reports_selectors.targets_in_force(placement))
    initial = ReportForm.initial_from(report)
    if report.attendance_percent is None:
        initial["attendance_percent"] = reports_services.term_attendance(report, now=now)
    form = ReportForm(posted(request), targets=targets, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = "draft" not in request.POST
        with service_errors(form):
            report = reports_services.report_save(report=report, values=form.values(), by=request.user,
                                                  organisation=request.organisation, now=now, submit=submit)
        if not form.errors:
            messages.success(request, "Termly report submitted" if submit else "Termly report saved as a draft")
            return redirect("monitoring:report_detail", org=org, pk=report.pk)
    return render_form_page(
        request, form, title=f"Termly report: {reports_rules.term_label(report.term_start).lower()}",
        back_url=_list_url(org, placement.pk), caption=_label(placement, request.membership).text,
        intro=f"Due by {report.due_on:%-d %B %Y}. Save and come back later; submit it when it is complete.",
        status=400 if form.errors else 200)


@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def report_acknowledge(request, org, pk):
    report = _report(pk, request.membership)
    detail_url = reverse("monitoring:report_detail", kwargs={"org": org, "pk": report.pk})
    form = AcknowledgeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            reports_services.report_acknowledge(report=report, comment=form.cleaned_data["comment"],
                                                by=request.user, organisation=request.organisation, now=clock.now())
        if not form.errors:
            messages.success(request, "Termly report acknowledged")
            return redirect(detail_url)
    placement = _placement(report.placement_id)
    return render_form_page(request, form, title="Acknowledge the termly report", back_url=detail_url,
                            caption=_label(placement, request.membership).text,
                            status=400 if form.errors else 200)


@org_view(C.VIEW_PUPILS, kinds=READERS)
def report_pdf(request, org, pk):
    report = _report(pk, request.membership)
    if not report.sent:
        raise Http404("Only a submitted termly report is exported")
    placement = _placement(report.placement_id)
    view = reports_selectors.report_view(report, placement, request.membership)
    data = pdf.render_pdf("monitoring/report_print.html", {
        "view": view, "report": report, "placement": placement, "organisation": request.organisation,
        "label": _label(placement, request.membership), "title": reports_rules.term_label(report.term_start),
        "footer": f"Termly report R-{report.pk} · {placement.provider.name}"})
    audit_request(request, action=AuditAction.EXPORT, obj=report, detail="Termly report PDF")
    return pdf.pdf_response(data, f"termly-report-R-{report.pk}.pdf")


@org_view(C.WRITE_PROVIDER_REPORTS, kinds=(K.PROVIDER,))
def behaviour_update_create(request, org, pk):
    placement = _placement(pk)
    form = BehaviourUpdateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            reports_services.behaviour_update_add(placement=placement, text=form.cleaned_data["text"],
                                                  by=request.user, organisation=request.organisation,
                                                  now=clock.now())
        if not form.errors:
            messages.success(request, "Behaviour update sent")
            return redirect(_list_url(org, placement.pk))
    week = reports_rules.week_start(clock.today())
    return render_form_page(request, form, title="Weekly behaviour update", back_url=_list_url(org, placement.pk),
                            caption=_label(placement, request.membership).text,
                            intro=f"For the week beginning {week:%-d %B %Y}.", status=400 if form.errors else 200)
