from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from accounts.forms import ConfirmForm
from apcommission import clock, uploads
from apcommission.forms import posted, render_form_page, service_errors
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request, client_ip

from . import selectors, services, verify
from .forms import (
    ClauseForm,
    PolicyReceivedForm,
    SaveTemplateForm,
    SignForm,
    SLACreateForm,
    SLAScheduleForm,
    TerminateForm,
    VerifyForm,
)
from .models import ServiceLevelAgreement, SLAClause
from .selectors import sla_by_pdf_hash, sla_detail_queryset

SCHOOL = (K.SCHOOL,)
PDF_NEEDS_COSTS = "The signed PDF includes the costs, so only finance roles can download it."


def _sla(request, pk):
    """The SLA as this member may read it: costs are emptied unless the role reads COSTS."""
    return selectors.sla_for(get_object_or_404(sla_detail_queryset(), pk=pk), request.membership)


def _require_costs(request):
    """Pages that show or change the costings (every role that signs reads costs; this keeps it so)."""
    if not selectors.reads_costs(request.membership):
        raise PermissionDenied(selectors.COSTS_WITHHELD)


def _to_detail(org, sla):
    return redirect("slas:detail", org=org, pk=sla.pk)


def _detail_url(org, sla) -> str:
    return reverse("slas:detail", kwargs={"org": org, "pk": sla.pk})


def _sla_page(org, sla) -> dict:
    """The back link every SLA question page shares."""
    return {"back_url": _detail_url(org, sla), "back_label": "Back to the SLA"}


@org_view(Capability.VIEW_AGREEMENTS)
def sla_list_view(request, org):
    return render(request, "slas/list.html", {"slas": selectors.sla_list(request.membership)})


@org_view(Capability.SIGN_AGREEMENTS, kinds=SCHOOL)
def sla_create_view(request, org):
    form = SLACreateForm(posted(request), school=request.organisation)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            sla = services.sla_create(school=request.organisation, provider=form.cleaned_data["provider"],
                                      created_by=request.user, now=clock.now(), template=form.chosen_template())
            messages.success(request, f"Draft SLA {sla.reference} created. Complete the schedule, then send it.")
            warning = services.commissioning_warning(school=request.organisation, provider=sla.provider)
            if warning:
                messages.warning(request, warning)
            return redirect("slas:schedule", org=org, pk=sla.pk)
    return render_form_page(request, form, title="Draft a service level agreement",
                            back_url=reverse("slas:list", kwargs={"org": org}), back_label="Back to SLAs",
                            intro="Choose a provider from your local authority's directory. You can edit every clause "
                                  "before you send the SLA for signature.")


@org_view(Capability.VIEW_AGREEMENTS)
def sla_detail_view(request, org, pk):
    return _detail_page(request, pk)


def _detail_page(request, pk, *, refused=None, status: int = 200):
    """The SLA page; `refused` is a form whose errors say why an action on it was refused (shown
    as the page's error summary)."""
    membership = request.membership
    view = selectors.sla_view(get_object_or_404(sla_detail_queryset(), pk=pk), membership)
    sla = view.sla
    signatures = [s for s in sla.signatures.all() if s.voided_at is None]
    is_school = request.organisation.pk == sla.school_id
    party_signed = {s.organisation_id for s in signatures}
    return render(request, "slas/detail.html", {
        "sla": sla, "view": view, "costs": view.costs, "costs_withheld_text": selectors.COSTS_WITHHELD,
        "pdf_needs_costs": PDF_NEEDS_COSTS,
        "signatures": signatures,
        "voided_signatures": [s for s in sla.signatures.all() if s.voided_at is not None],
        "can_edit": is_school and sla.is_editable and membership.can(Capability.SIGN_AGREEMENTS),
        "can_sign": (sla.status in ("sent", "partly_signed") and membership.can(Capability.SIGN_AGREEMENTS)
                     and request.organisation.pk not in party_signed
                     and request.organisation.pk in (sla.school_id, sla.provider_id)),
        "can_amend": is_school and sla.status == "signed" and membership.can(Capability.SIGN_AGREEMENTS),
        "can_acknowledge": membership.can(Capability.REPORT_SAFEGUARDING) and sla.status != "terminated"
                           and request.organisation.pk in (sla.school_id, sla.provider_id),
        "is_school": is_school,
        "refused": refused,
    }, status=status)


def _locked_page(request, sla, *, title: str, rows: list[tuple[str, str]]):
    """A signed or terminated SLA's edit page: what it says, read-only, and the way to change it."""
    return render(request, "slas/locked.html", {
        "sla": sla, "title": title, "rows": rows,
        "can_amend": sla.status == "signed" and not ServiceLevelAgreement.objects.filter(previous=sla).exists(),
    })


@org_view(Capability.SIGN_AGREEMENTS, kinds=SCHOOL)
def sla_schedule_view(request, org, pk):
    _require_costs(request)
    sla = _sla(request, pk)
    if sla.is_locked:
        return _locked_page(request, sla, title="Schedule of provision", rows=[])
    form = SLAScheduleForm(posted(request), instance=sla)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.sla_update_schedule(sla=sla, data=form.cleaned_data, now=clock.now())
            messages.success(request, "Schedule saved.")
            return _to_detail(org, sla)
    return render_form_page(request, form, title="Schedule of provision", **_sla_page(org, sla),
                            caption=f"{sla.reference} version {sla.version} with {sla.provider.name}",
                            warning="" if sla.status == "draft" else
                            "Saving changes cancels the signatures given so far. The SLA must be sent and signed again.")


@org_view(Capability.SIGN_AGREEMENTS, kinds=SCHOOL)
def sla_clause_view(request, org, pk, clause_pk):
    sla = _sla(request, pk)
    clause = get_object_or_404(SLAClause, sla=sla, pk=clause_pk)
    if sla.is_locked:
        return _locked_page(request, sla, title=clause.heading, rows=[(clause.section, services.render_clause(sla, clause.body))])
    form = ClauseForm(posted(request), initial={"heading": clause.heading, "body": clause.body})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.sla_update_clause(sla=sla, clause=clause, now=clock.now(), **form.cleaned_data)
            messages.success(request, f"Clause “{clause.heading}” saved.")
            return HttpResponseRedirect(reverse("slas:detail", kwargs={"org": org, "pk": sla.pk}) + f"#clause-{clause.pk}")
    return render_form_page(request, form, title=f"Edit clause: {clause.heading}",
                            back_url=_detail_url(org, sla) + f"#clause-{clause.pk}", back_label="Back to the SLA",
                            caption=f"{sla.reference} · {clause.section}",
                            warning="" if sla.status == "draft" else "Saving changes cancels the signatures given so far.")


@org_view(Capability.SIGN_AGREEMENTS, kinds=SCHOOL)
@require_POST
def sla_send_view(request, org, pk):
    sla = _sla(request, pk)
    form = ConfirmForm(request.POST, submit="Send for signature")
    if form.is_valid():
        with service_errors(form):
            services.sla_send(sla=sla, by=request.user, now=clock.now())
            messages.success(request, f"SLA sent to {sla.provider.name} for signature.")
            return _to_detail(org, sla)
    return _detail_page(request, pk, refused=form, status=400)


@org_view(Capability.SIGN_AGREEMENTS)
def sla_sign_view(request, org, pk):
    sla = _sla(request, pk)
    form = SignForm(posted(request), initial={"position": request.membership.job_title})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.sla_sign(sla=sla, membership=request.membership, now=clock.now(), ip_address=client_ip(request),
                              typed_name=form.cleaned_data["typed_name"], position=form.cleaned_data["position"])
            messages.success(request, "You have signed the SLA.")
            return _to_detail(org, sla)
    return render_form_page(request, form, title=f"Sign {sla.reference} for {request.organisation.name}",
                            **_sla_page(org, sla), caption=f"{sla.reference} version {sla.version}",
                            template="slas/sign.html", sla=sla, content_hash=sla.content_hash)


@org_view(Capability.REPORT_SAFEGUARDING)
def sla_safeguarding_view(request, org, pk):
    sla = _sla(request, pk)
    is_school = request.organisation.pk == sla.school_id
    form = PolicyReceivedForm(posted(request)) if is_school else ConfirmForm(
        posted(request), submit="Acknowledge as safeguarding lead")
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.sla_acknowledge_safeguarding(
                sla=sla, membership=request.membership, now=clock.now(),
                policy_received_on=form.cleaned_data.get("policy_received_on"))
            messages.success(request, "Recorded.")
            return _to_detail(org, sla)
    return render_form_page(
        request, form, **_sla_page(org, sla), caption=sla.reference,
        title="Record that you received the provider's safeguarding policy" if is_school
        else "Acknowledge the SLA as safeguarding lead",
        intro=f"Keep a copy of {sla.provider.name}'s safeguarding and child protection policy with the SLA." if is_school
        else f"You confirm that you have read the safeguarding clauses and will tell {sla.school.name}'s designated "
             "safeguarding lead of any concern immediately.")


@org_view(Capability.SIGN_AGREEMENTS, kinds=SCHOOL)
@require_POST
def sla_amend_view(request, org, pk):
    sla = _sla(request, pk)
    form = ConfirmForm(request.POST, submit="Make an amendment")
    if form.is_valid():
        with service_errors(form):
            new = services.sla_amend(sla=sla, by=request.user, now=clock.now())
            messages.success(request, f"Version {new.version} created as a draft. It must be signed again by both "
                                      "parties.")
            return _to_detail(org, new)
    return _detail_page(request, pk, refused=form, status=400)


@org_view(Capability.SIGN_AGREEMENTS, kinds=SCHOOL)
def sla_terminate_view(request, org, pk):
    sla = _sla(request, pk)
    form = TerminateForm(posted(request), initial={"terminated_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.sla_terminate(sla=sla, on=form.cleaned_data["terminated_on"], reason=form.cleaned_data["reason"],
                                   by=request.user, now=clock.now())
            messages.success(request, "The SLA has been ended.")
            return _to_detail(org, sla)
    return render_form_page(request, form, title=f"End the SLA with {sla.provider.name}", **_sla_page(org, sla),
                            caption=sla.reference)


@org_view(Capability.SIGN_AGREEMENTS, kinds=SCHOOL)
def sla_save_template_view(request, org, pk):
    sla = _sla(request, pk)
    form = SaveTemplateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            template = services.template_save_from_sla(sla=sla, name=form.cleaned_data["name"], now=clock.now())
            messages.success(request, f"Saved as your template “{template.name}”.")
            return _to_detail(org, sla)
    return render_form_page(request, form, title="Save these clauses as your template", **_sla_page(org, sla),
                            caption=sla.reference,
                            intro="Next time you draft an SLA you can start from these clauses instead of the "
                                  "standard ones.")


@transaction.non_atomic_requests  # the render must not run inside the request's transaction (sla_pdf_ensure)
@org_view(Capability.VIEW_FINANCE)
def sla_pdf_view(request, org, pk):
    """The signed PDF is the one stored, verifiable file and it contains the costs, so only roles that
    see costings (view_finance, and COSTS in tenancy.visibility) and SLAs download it. A second,
    costs-withheld rendering would not be the signed document and would not verify at /verify/."""
    if not (request.membership.can(Capability.VIEW_AGREEMENTS) and selectors.reads_costs(request.membership)):
        raise PermissionDenied(PDF_NEEDS_COSTS)
    sla = _sla(request, pk)
    if sla.status not in ("signed", "terminated"):
        messages.error(request, "A PDF is made once both parties have signed.")
        return _to_detail(org, sla)
    sla = services.sla_pdf_ensure(sla_id=sla.pk, now=clock.now())
    audit_request(request, action=AuditAction.DOWNLOAD, obj=sla, detail=f"PDF sha256 {sla.pdf_sha256[:12]}…")
    try:
        handle = services.sla_pdf_file(sla).open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    return uploads.serve_file(handle, filename=f"{sla.reference}-v{sla.version}.pdf")


@csrf_exempt  # checked by _verify once the upload handlers are set (Django's documented pattern)
def verify_view(request):
    """Public: anyone holding a PDF can check it matches a signed record (the file is not kept).

    Before the body is read: at most APC_VERIFY_RATE_LIMIT checks per client IP per window (429),
    and a declared body larger than the PDF limit is refused (413). While it is read, a handler
    stops any file that passes the limit; smaller files stay in memory or a temporary file, and the
    SHA-256 is computed over their chunks."""
    if request.method == "POST":
        decision = verify.rate_limit(client_ip(request) or "unknown")
        if not decision.allowed:
            response = render(request, "slas/verify_limited.html",
                              {"limit": decision.limit, "window_minutes": decision.window // 60,
                               "minutes": -(-decision.retry_after // 60)}, status=429)
            response["Retry-After"] = str(decision.retry_after)
            return response
        max_bytes = uploads.SLA_VERIFY.max_bytes
        if uploads.request_too_large(request, max_bytes):
            return _verify_page(request, VerifyForm(), too_large=True)
        request.upload_handlers.insert(0, uploads.SizeLimitUploadHandler(max_bytes, request))
    return _verify(request)


@csrf_protect
def _verify(request):
    files = request.FILES  # parses the body through the handlers set in verify_view
    if request.method == "POST" and getattr(request.upload_handlers[0], "too_large", False):
        return _verify_page(request, VerifyForm(), too_large=True)
    form = VerifyForm(posted(request), files or None)
    result = None
    if request.method == "POST" and form.is_valid():
        digest = form.cleaned_data["document"].checked_upload.sha256  # streamed by the upload validator
        result = {"sha256": digest, "sla": sla_by_pdf_hash(digest)}
    return _verify_page(request, form, result=result)


def _verify_page(request, form, *, result=None, too_large=False):
    status = 200
    if too_large:
        form.is_bound, form.data = True, {}
        form._errors, form.cleaned_data = ErrorDict(), {}
        form.add_error("document", uploads.SLA_VERIFY.size_error)
        status = 413
    return render(request, "slas/verify.html", {"form": form, "result": result}, status=status)
