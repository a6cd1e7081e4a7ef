"""Pages of the approved list (issue 13 items 5-7): signing a completed QA visit (each side on its
own page), the visit's PDF report, and the LA's approved list with its next-visit queues.

Thin views: the services are qa_framework.signing and qa_framework.approval; reads go through the
scoping layer (another organisation's visit is a 404) and qa_framework.selectors_approval."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from apcommission import clock, pdf
from apcommission.forms import Form, helper, posted, render_form_page, service_errors
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request, client_ip

from . import selectors_approval, signing
from .models import PROVIDER_SEES, ApprovalStatus, QAVisit


class QASignForm(Form):
    typed_name = forms.CharField(label="Your full name", max_length=200,
                                 error_messages={"required": "Type your full name to sign"})
    position = forms.CharField(label="Your position", max_length=200,
                               error_messages={"required": "Enter your position, for example QA officer"})
    confirm = forms.BooleanField(
        label="I confirm I am authorised to sign this QA visit report for my organisation and that it is accurate",
        error_messages={"required": "Confirm that you are authorised to sign"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["typed_name"].widget.attrs["autocomplete"] = "name"
        self.fields["position"].widget.attrs["autocomplete"] = "organization-title"
        self.helper = helper("typed_name", "position", "confirm", submit="Sign the report")


def _visit(pk) -> QAVisit:
    return get_object_or_404(QAVisit.objects.select_related("owner", "provider", "version__framework"), pk=pk)


def _sign(request, org, pk, party):
    visit = _visit(pk)
    report = reverse("qa_framework:visit_report_pdf", kwargs={"org": org, "pk": visit.pk})
    if visit.state not in PROVIDER_SEES:
        raise Http404("Only a completed QA visit is signed")
    if party == signing.Party.OWNER and visit.owner_id != request.membership.organisation_id:
        raise Http404("Only the organisation that ran the visit signs for it")  # a school reading its LA's report
    signatures = list(visit.signatures.select_related("user"))
    form = QASignForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            signing.qa_visit_sign(visit=visit, membership=request.membership, party=party, now=clock.now(),
                                  typed_name=form.cleaned_data["typed_name"], position=form.cleaned_data["position"],
                                  ip_address=client_ip(request))
            messages.success(request, f"You have signed the QA visit report for {visit.provider.name}.")
            return redirect(request.path)
    return render_form_page(
        request, form, template="qa_framework/sign_visit.html", title=f"Sign the QA visit report: {visit.provider.name}",
        caption=f"QA visit on {visit.scheduled_for:%-d %B %Y}", back_url=report, back_label="Back",
        visit=visit, signatures=signatures, report_url=report,
        hide_form=visit.signed or any(s.party == party for s in signatures))


@org_view(C.RUN_QA_VISITS, kinds=(K.LOCAL_AUTHORITY, K.SCHOOL))
def visit_sign_owner(request, org, pk):
    return _sign(request, org, pk, signing.Party.OWNER)


@org_view(C.SIGN_AGREEMENTS, kinds=(K.PROVIDER,))
def visit_sign_provider(request, org, pk):
    return _sign(request, org, pk, signing.Party.PROVIDER)


@org_view(C.VIEW_AGREEMENTS, kinds=(K.LOCAL_AUTHORITY, K.SCHOOL, K.PROVIDER))
def visit_report_pdf(request, org, pk):
    """The report of a completed or signed visit (a school reads it only when the LA shared the
    signed report: QAVisit.scope_q)."""
    visit = _visit(pk)
    if visit.state not in PROVIDER_SEES:
        raise Http404("Only a completed QA visit has a report")
    data = pdf.render_pdf("print/qa_visit_report.html", selectors_approval.report_context(visit))
    audit_request(request, action=AuditAction.EXPORT, obj=visit, detail="QA visit report PDF")
    return pdf.pdf_response(data, f"qa-visit-report-Q-{visit.pk}.pdf")


@org_view(C.MANAGE_DIRECTORY, kinds=(K.LOCAL_AUTHORITY,))
def approved_list(request, org):
    queue = request.GET.get("queue", "")
    status = request.GET.get("status", "")
    if status not in ApprovalStatus.values:
        status = ""
    rows = list(selectors_approval.current_decisions(today=clock.today(), queue=queue, status=status))
    return render(request, "qa_framework/approved_list.html", {
        "rows": rows, "queue": queue if queue in selectors_approval.QUEUES else "", "status": status,
        "statuses": ApprovalStatus.choices, "today": clock.today(),
        "due_within_days": selectors_approval.DUE_WITHIN_DAYS})
