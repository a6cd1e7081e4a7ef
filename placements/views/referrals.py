"""The referral: starting it, its question pages, check answers, the headteacher's decision, the provider's answer and the initial assessment."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from apcommission import clock, pdf
from apcommission.forms import posted, render_form_page, run_service, service_errors
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from .. import conf, provider_checks, selectors, services
from .. import forms as f
from ..models import (
    Pupil,
    State,
)
from ..referral_sections import SECTION_STEP, STEP_SLUGS, STEP_TITLES, STEPS, step_complete
from ._common import (
    PROVIDER,
    SCHOOL,
    _can_special,
    _placement,
    _referral,
    _refused,
)


@org_view(C.MAKE_REFERRALS, kinds=SCHOOL)
def referral_start(request, org):
    pupils = Pupil.objects.order_by("last_name", "first_name")
    providers = provider_checks.providers_for_referral(request.organisation)
    initial = {"pupil": request.GET.get("pupil")} if request.GET.get("pupil") else None
    form = f.ReferralStartForm(posted(request), pupils=pupils, providers=providers, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            placement = services.referral_start(
                school=request.organisation, pupil=form.cleaned_data["pupil"], provider=form.cleaned_data["provider"],
                registration_code=form.cleaned_data["registration_code"], by=request.user, now=clock.now(),
                dual_school_name=form.cleaned_data["dual_school_name"], dual_school_urn=form.cleaned_data["dual_school_urn"])
            warning = provider_checks.commissioning_warning(school=request.organisation, provider=placement.provider)
            if warning:
                messages.warning(request, warning)
            return redirect("placements:referral_step", org=org, pk=placement.pk, step=STEP_SLUGS[0])
    return render_form_page(request, form, title="Refer a pupil to alternative provision",
                            back_url=reverse("placements:placement_list", kwargs={"org": org}), caption=request.organisation.name,
                            intro="You will answer the questions on the referral form, then send it to the headteacher "
                                  "for a decision. You can save a draft at any point.")


@org_view(C.MAKE_REFERRALS, kinds=SCHOOL)
def referral_step(request, org, pk, step):
    if step not in STEP_SLUGS:
        raise Http404("No such question page")
    placement = _placement(pk)
    referral = _referral(placement)
    if placement.state != State.DRAFT:
        messages.info(request, "This referral has been sent and can no longer be changed.")
        return redirect("placements:placement_detail", org=org, pk=pk)
    draft = "draft" in request.POST
    form_class = f.STEP_FORMS[step]
    form = form_class(posted(request), referral=referral, draft=draft)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.referral_save(referral=referral, data=form.to_model())):
            if draft:
                messages.success(request, "Your answers have been saved as a draft.")
                return redirect("placements:placement_detail", org=org, pk=pk)
            index = STEP_SLUGS.index(step)
            if request.GET.get("check") or index == len(STEP_SLUGS) - 1:
                return redirect("placements:referral_check", org=org, pk=pk)
            return redirect("placements:referral_step", org=org, pk=pk, step=STEP_SLUGS[index + 1])
    index = STEP_SLUGS.index(step)
    if request.GET.get("check"):  # opened from check-your-answers: back (and on, after saving) to it
        back = reverse("placements:referral_check", kwargs={"org": org, "pk": pk})
    else:
        back = (reverse("placements:referral_step", kwargs={"org": org, "pk": pk, "step": STEP_SLUGS[index - 1]})
                if index else reverse("placements:placement_detail", kwargs={"org": org, "pk": pk}))
    return render(request, "placements/referral_step.html", {
        "form": form, "title": STEP_TITLES[step], "back_url": back, "placement": placement,
        "step_number": index + 1, "step_count": len(STEPS),
    })


@org_view(C.MAKE_REFERRALS, kinds=SCHOOL)
def referral_check(request, org, pk):
    placement = _placement(pk)
    referral = _referral(placement)
    form = f.SubmitForm(posted(request), submit="Send to the headteacher for a decision")
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.referral_submit(referral=referral, by=request.user, organisation=request.organisation,
                                     now=clock.now())
            messages.success(request, "The referral has been sent to the headteacher for a decision.")
            return redirect("placements:placement_detail", org=org, pk=pk)
    view = selectors.referral_view(placement, membership=request.membership)
    if view.shows_special:
        audit_request(request, action=AuditAction.VIEW, obj=referral, detail="check answers, special-category sections")
    steps = [{"slug": slug, "title": title, "complete": step_complete(referral, slug)} for slug, title in STEPS]
    editable = placement.state == State.DRAFT and referral.submitted_at is None
    change_links = {}
    if editable:
        here = reverse("placements:referral_check", kwargs={"org": org, "pk": pk})
        change_links = {key: reverse("placements:referral_step", kwargs={"org": org, "pk": pk, "step": step}) + "?check=1"
                        for key, step in SECTION_STEP.items()}
        pupil_kw = {"org": org, "pk": placement.pupil_id}
        change_links["pupil"] = reverse("placements:pupil_edit", kwargs=pupil_kw) + f"?next={here}"
        change_links["parents"] = reverse("placements:pupil_detail", kwargs=pupil_kw)
        if _can_special(request):
            for key in ("welfare", "sen_health", "equality"):
                change_links[key] = reverse("placements:pupil_sensitive_edit", kwargs=pupil_kw) + f"?next={here}"
    return render(request, "placements/referral_check.html", {
        "placement": placement, "referral": referral, "view": view, "steps": steps, "form": form,
        "editable": editable, "change_links": change_links, "all_complete": all(s["complete"] for s in steps),
    }, status=400 if form.errors else 200)


@org_view(C.VIEW_PUPILS, kinds=(K.SCHOOL, K.PROVIDER))
def referral_detail(request, org, pk):
    """The referral as this organisation and role may read it (the provider: shared sections only)."""
    placement = _placement(pk)
    referral = _referral(placement)
    view = selectors.referral_view(placement, membership=request.membership)
    audit_request(request, action=AuditAction.VIEW, obj=referral,
                  detail="including special-category sections" if view.shows_special else "")
    return render(request, "placements/referral_detail.html", {
        "placement": placement, "referral": referral, "view": view,
    })


@org_view(C.VIEW_PUPILS, kinds=(K.SCHOOL, K.PROVIDER))
def referral_pdf(request, org, pk):
    """The referral as a PDF: exactly the sections this organisation and role may read."""
    placement = _placement(pk)
    referral = _referral(placement)
    view = selectors.referral_view(placement, membership=request.membership)
    data = pdf.render_pdf("print/referral.html", {
        "placement": placement, "referral": referral, "view": view, "organisation": request.organisation,
        "title": f"Referral of {placement.pupil} to {placement.provider.name}",
        "footer": f"Referral P-{placement.pk} · {placement.school.name} · exported {clock.local_now():%d %b %Y %H:%M} "
                  f"by {request.user.full_name} · OFFICIAL-SENSITIVE",
    })
    audit_request(request, action=AuditAction.EXPORT, obj=referral,
                  detail="PDF including special-category sections" if view.shows_special else "PDF")
    return pdf.pdf_response(data, f"referral-P{placement.pk}.pdf")


@org_view(C.APPROVE_REFERRALS, kinds=SCHOOL)
def referral_decision(request, org, pk):
    placement = _placement(pk)
    referral = _referral(placement)
    if placement.state != State.DRAFT or referral.submitted_at is None:
        reason = ("it has not been sent to you yet" if placement.state == State.DRAFT
                  else f"the placement is {placement.get_state_display().lower()}")
        return _refused(request, org, placement, title="Record the headteacher's decision",
                        problems=[f"This referral is not waiting for a decision: {reason}"])
    initial = {"consulted": [k for k in ("consulted_pupil", "consulted_parents", "consulted_teacher",
                                         "consulted_professionals") if getattr(referral, k)],
               "professionals_consulted": referral.professionals_consulted}
    form = f.DecisionForm(posted(request), initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        with service_errors(form):
            services.referral_decide(placement=placement, approve=approve, consulted=form.consulted_flags(),
                                     notes=form.cleaned_data["notes"], by=request.user,
                                     organisation=request.organisation, now=clock.now())
            messages.success(request, f"Referral approved and sent to {placement.provider.name}." if approve
                             else "The referral has been returned to the AP lead.")
            return redirect("placements:placement_detail", org=org, pk=pk)
    if form.errors:
        status = 400
    view = selectors.referral_view(placement, membership=request.membership)
    if view.shows_special:
        audit_request(request, action=AuditAction.VIEW, obj=referral, detail="decision page, special-category sections")
    return render(request, "placements/referral_decision.html", {
        "placement": placement, "referral": referral, "view": view, "form": form,
    }, status=status)


@org_view(C.SIGN_AGREEMENTS, kinds=PROVIDER)
def provider_response(request, org, pk):
    placement = _placement(pk)
    if placement.state != State.REFERRED:
        return _refused(request, org, placement, title="Accept or decline the referral", problems=[
            f"This referral is not waiting for your answer: the placement is {placement.get_state_display().lower()}"])
    form = f.RespondForm(posted(request))
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["response"] == "accept"
        with service_errors(form):
            services.provider_respond(placement=placement, accept=accept, reason=form.cleaned_data["reason"],
                                      by=request.user, organisation=request.organisation, now=clock.now())
            days = conf.get("APC_INITIAL_ASSESSMENT_DAYS")
            messages.success(request, f"Referral accepted. Assess the pupil's needs within {days} days." if accept
                             else "Referral declined. The school has been told.")
            return redirect("placements:placement_detail", org=org, pk=pk)
    view = selectors.referral_view(placement, membership=request.membership)
    if view.shows_special:
        audit_request(request, action=AuditAction.VIEW, obj=placement.referral, detail="special-category sections")
    return render(request, "placements/provider_response.html", {
        "placement": placement, "view": view, "form": form,
    }, status=400 if form.errors else 200)


@org_view(C.SIGN_AGREEMENTS, kinds=PROVIDER)
def initial_assessment(request, org, pk):
    placement = _placement(pk)
    form = f.InitialAssessmentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.initial_assessment_record(placement=placement, done_on=form.cleaned_data["done_on"],
                                               summary=form.cleaned_data["summary"], by=request.user,
                                               organisation=request.organisation, now=clock.now())
            messages.success(request, "Initial assessment recorded.")
            return redirect("placements:placement_detail", org=org, pk=pk)
    due = placement.initial_assessment_due
    return render_form_page(request, form, title="Initial assessment of needs", caption=str(placement.pupil),
                            back_url=reverse("placements:placement_detail", kwargs={"org": org, "pk": pk}),
                            intro=f"Due by {due:%-d %B %Y}: within {conf.get('APC_INITIAL_ASSESSMENT_DAYS')} days of "
                                  "accepting the referral." if due else "")
