"""Thin views: fetch what the organisation may see (scoped), call one service, render GOV.UK pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apcommission import clock, pdf
from apcommission.forms import add_service_errors, posted
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from . import forms as f
from . import lifecycle, provider_checks, rules, selectors, services
from .lifecycle import Transition
from .models import (
    IN_AP_STATES,
    CommissioningAgreement,
    OtherAgency,
    ParentalAgreement,
    ParentCarer,
    Placement,
    Pupil,
    Referral,
    State,
    Target,
    TimetableSession,
)
from .referral_sections import SECTION_STEP, STEP_SLUGS, STEP_TITLES, STEPS, step_complete

SCHOOL = (K.SCHOOL,)
PROVIDER = (K.PROVIDER,)


def _form_page(request, form, *, title: str, back: str, caption: str = "", intro: str = "", status: int = 200,
               template: str = "placements/form.html"):
    return render(request, template, {"form": form, "title": title, "back_url": back, "caption": caption,
                                      "intro": intro}, status=status)






def _next(request, default: str) -> str:
    """A same-site ?next= address, or `default`."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _can_special(request) -> bool:
    return request.membership.can(C.VIEW_SPECIAL_CATEGORY)


# --- Pupils -------------------------------------------------------------------------------

@org_view(C.VIEW_PUPILS, kinds=(K.SCHOOL, K.TRUST))
def pupil_list_view(request, org):
    page = Paginator(selectors.pupil_list(), 50).get_page(request.GET.get("page"))
    can_add = request.organisation.is_school and request.membership.can(C.MANAGE_PUPILS)
    return render(request, "placements/pupil_list.html", {"page": page, "can_add": can_add})


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
def pupil_create(request, org):
    form = f.PupilForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            pupil = services.pupil_create(school=request.organisation, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit_request(request, action=AuditAction.CREATE, obj=pupil)
            messages.success(request, f"{pupil} added.")
            return redirect("placements:pupil_detail", org=org, pk=pupil.pk)
    return _form_page(request, form, title="Add a pupil", back=reverse("placements:pupil_list", kwargs={"org": org}),
                      caption=request.organisation.name)


@org_view(C.VIEW_PUPILS, kinds=(K.SCHOOL, K.TRUST))
def pupil_detail(request, org, pk):
    pupil = get_object_or_404(selectors.pupil_list(), pk=pk)
    view = selectors.pupil_view(pupil, membership=request.membership)
    can_manage = request.organisation.is_school and request.membership.can(C.MANAGE_PUPILS)
    ctx = {"pupil": pupil, "view": view, "can_manage": can_manage,
           "can_manage_special": can_manage and _can_special(request),
           "can_refer": request.organisation.is_school and request.membership.can(C.MAKE_REFERRALS),
           "placements": selectors.placements_for_pupil(pupil)}
    audit_request(request, action=AuditAction.VIEW, obj=pupil,
                  detail="including special-category data" if view.shows_special else "")
    return render(request, "placements/pupil_detail.html", ctx)


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
def pupil_edit(request, org, pk):
    pupil = get_object_or_404(Pupil, pk=pk)
    form = f.PupilForm(posted(request), instance=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            services.pupil_update(pupil=pupil, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit_request(request, action=AuditAction.CHANGE, obj=pupil)
            messages.success(request, "Pupil details saved.")
            return redirect(_next(request, reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk})))
    return _form_page(request, form, title=f"Change {pupil}'s details",
                      back=reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk}), caption=str(pupil))


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
def pupil_sensitive_edit(request, org, pk):
    if not _can_special(request):
        raise PermissionDenied("Your role does not allow special-category data.")
    pupil = get_object_or_404(Pupil, pk=pk)
    sensitive = selectors.pupil_sensitive(pupil)
    form = f.PupilSensitiveForm(posted(request), instance=sensitive)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.pupil_sensitive_save(pupil=pupil, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit_request(request, action=AuditAction.CHANGE, obj=record, detail="special-category record")
            messages.success(request, "Safeguarding, SEN and health details saved.")
            return redirect(_next(request, reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk})))
    if sensitive is not None:
        audit_request(request, action=AuditAction.VIEW, obj=sensitive, detail="special-category record (edit form)")
    return _form_page(request, form, title="Safeguarding, SEN and health",
                      back=reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk}), caption=str(pupil),
                      intro="This is special-category data. Only staff whose role needs it can see it, and every "
                            "view is recorded in the audit log.")


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
def parent_add(request, org, pk):
    pupil = get_object_or_404(Pupil, pk=pk)
    form = f.ParentCarerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        parent = services.parent_carer_add(pupil=pupil, data=form.cleaned_data)
        audit_request(request, action=AuditAction.CREATE, obj=parent)
        messages.success(request, f"{parent.name} added.")
        return redirect(_next(request, reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk})))
    return _form_page(request, form, title="Add a parent or carer",
                      back=reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk}), caption=str(pupil))


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
@require_POST
def parent_remove(request, org, pk, cpk):
    parent = get_object_or_404(ParentCarer, pk=cpk, pupil_id=pk)
    audit_request(request, action=AuditAction.DELETE, obj=parent)
    parent.delete()
    messages.success(request, f"{parent.name} removed.")
    return redirect("placements:pupil_detail", org=org, pk=pk)


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
def agency_add(request, org, pk):
    if not _can_special(request):
        raise PermissionDenied("Your role does not allow special-category data.")
    pupil = get_object_or_404(Pupil, pk=pk)
    form = f.AgencyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        agency = services.agency_add(pupil=pupil, data=form.cleaned_data)
        audit_request(request, action=AuditAction.CREATE, obj=agency)
        messages.success(request, f"{agency.agency} added.")
        return redirect(_next(request, reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk})))
    return _form_page(request, form, title="Add another agency involved",
                      back=reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk}), caption=str(pupil))


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
@require_POST
def agency_remove(request, org, pk, apk):
    if not _can_special(request):
        raise PermissionDenied("Your role does not allow special-category data.")
    agency = get_object_or_404(OtherAgency, pk=apk, pupil_id=pk)
    audit_request(request, action=AuditAction.DELETE, obj=agency)
    agency.delete()
    messages.success(request, f"{agency.agency} removed.")
    return redirect("placements:pupil_detail", org=org, pk=pk)


# --- Placements list and page -------------------------------------------------------------

@org_view(C.VIEW_PUPILS, kinds=(K.SCHOOL, K.TRUST, K.PROVIDER))
def placement_list(request, org):
    state = request.GET.get("state", "")
    qs = selectors.placement_list()
    if state in State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    today = clock.today()
    rows = [{
        "placement": p,
        "label": selectors.list_label(p, request.membership),
        "assessment": rules.initial_assessment_status(due=p.initial_assessment_due, done_on=p.initial_assessment_done_on,
                                                      on=today) if p.state == State.ACCEPTED else "",
        "needs_destination": p.state in (*IN_AP_STATES, State.ENDED) and rules.needs_destination(
            year_group=p.pupil.year_group, destination=p.destination),
    } for p in page.object_list]
    return render(request, "placements/placement_list.html", {
        "page": page, "rows": rows, "state": state, "states": State.choices,
        "can_refer": request.organisation.is_school and request.membership.can(C.MAKE_REFERRALS),
    })


def _placement(pk) -> Placement:
    try:
        return selectors.placement_get(pk)
    except Placement.DoesNotExist as exc:
        raise Http404("No such placement") from exc


def _referral(placement: Placement) -> Referral:
    try:
        return Referral.objects.get(placement=placement)
    except Referral.DoesNotExist as exc:
        raise Http404("No referral") from exc


def _actions(request, placement: Placement) -> list[dict]:
    """What this member can do next on the placement page."""
    org, m = request.organisation, request.membership
    kw = {"org": org.slug, "pk": placement.pk}
    actions = []
    state = placement.state
    if org.is_school:
        if state == State.DRAFT and m.can(C.MAKE_REFERRALS):
            actions.append(("Continue the referral", reverse("placements:referral_check", kwargs=kw)))
        if state == State.DRAFT and m.can(C.APPROVE_REFERRALS) and placement.referral.submitted_at:
            actions.append(("Record the headteacher's decision", reverse("placements:referral_decision", kwargs=kw)))
        if state in services.AGREEMENT_STATES and m.can(C.SIGN_AGREEMENTS):
            actions.append(("Commissioning agreement", reverse("placements:agreement_detail", kwargs=kw)))
        if state in (State.REFERRED, State.ACCEPTED, State.AGREED) and m.can(C.MAKE_REFERRALS):
            actions.append(("Record the parents' agreement", reverse("placements:parental_agreement", kwargs=kw)))
        if state == State.AGREED and m.can(C.MAKE_REFERRALS):
            actions.append(("Start the placement", reverse("placements:placement_start", kwargs=kw)))
        if m.can(C.SIGN_AGREEMENTS):
            for name in (Transition.EMERGENCY_REVIEW, Transition.SUSPEND, Transition.RESUME):
                if lifecycle.can(state, name, org.kind):
                    actions.append((Transition(name).label,
                                    reverse("placements:placement_status", kwargs={**kw, "transition": name})))
        if lifecycle.can(state, Transition.END, org.kind) and m.can(C.MAKE_REFERRALS):
            actions.append(("End the placement", reverse("placements:placement_end", kwargs=kw)))
        if state == State.ENDED and m.can(C.MAKE_REFERRALS):
            actions.append(("Record the destination", reverse("placements:placement_destination", kwargs=kw)))
    elif org.is_provider and m.can(C.SIGN_AGREEMENTS):
        if state == State.REFERRED:
            actions.append(("Accept or decline the referral", reverse("placements:provider_response", kwargs=kw)))
        if state in services.AGREEMENT_STATES:
            actions.append(("Commissioning agreement", reverse("placements:agreement_detail", kwargs=kw)))
            if not placement.initial_assessment_done_on:
                actions.append(("Record the initial assessment", reverse("placements:initial_assessment", kwargs=kw)))
        if lifecycle.can(state, Transition.EMERGENCY_REVIEW, org.kind):
            actions.append((Transition.EMERGENCY_REVIEW.label, reverse(
                "placements:placement_status", kwargs={**kw, "transition": Transition.EMERGENCY_REVIEW})))
    return [{"label": label, "url": url} for label, url in actions]


@org_view(C.VIEW_PUPILS, kinds=(K.SCHOOL, K.TRUST, K.PROVIDER))
def placement_detail(request, org, pk):
    placement = _placement(pk)
    reader = selectors.placement_reader(placement, request.membership)
    label = selectors.pupil_label(placement, reader)
    if label.reference_only:
        # A provider that declined (or a draft it was never sent): a reference, its answer and the date.
        audit_request(request, action=AuditAction.VIEW, obj=placement, detail="reference only")
        return render(request, "placements/placement_reference.html", {"placement": placement, "label": label})
    today = clock.today()
    is_school = request.organisation.is_school
    agreement = selectors.current_agreement(placement)
    ctx = {
        "placement": placement, "label": label, "agreement": agreement,
        "details": selectors.placement_details(placement, reader),
        "contacts": selectors.school_contacts(placement, reader),
        "events": selectors.timeline(placement, request.membership), "actions": _actions(request, placement),
        "is_school": is_school, "is_provider": request.organisation.is_provider,
        "assessment_status": rules.initial_assessment_status(
            due=placement.initial_assessment_due, done_on=placement.initial_assessment_done_on, on=today),
        "needs_destination": placement.state in (*IN_AP_STATES, State.ENDED)
        and rules.needs_destination(year_group=placement.pupil.year_group, destination=placement.destination),
        "parental": (ParentalAgreement.objects.filter(placement=placement).select_related("recorded_by")
                     if is_school else None),
        "full_time": selectors.full_time_for(placement, agreement) if agreement else None,
        "slas": placement.slas.order_by("-version") if request.membership.can(C.VIEW_AGREEMENTS) else None,
        # The link only for those the referral page lets in (school and provider members).
        "referral": (Referral.objects.filter(placement=placement).first()
                     if request.organisation.kind in (K.SCHOOL, K.PROVIDER) else None),
    }
    audit_request(request, action=AuditAction.VIEW, obj=placement)
    return render(request, "placements/placement_detail.html", ctx)


# --- Referral -----------------------------------------------------------------------------

@org_view(C.MAKE_REFERRALS, kinds=SCHOOL)
def referral_start(request, org):
    pupils = Pupil.objects.order_by("last_name", "first_name")
    providers = provider_checks.providers_for_referral(request.organisation)
    initial = {"pupil": request.GET.get("pupil")} if request.GET.get("pupil") else None
    form = f.ReferralStartForm(posted(request), pupils=pupils, providers=providers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.referral_start(
                school=request.organisation, pupil=form.cleaned_data["pupil"], provider=form.cleaned_data["provider"],
                registration_code=form.cleaned_data["registration_code"], by=request.user, now=clock.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("placements:referral_step", org=org, pk=placement.pk, step=STEP_SLUGS[0])
    return _form_page(request, form, title="Refer a pupil to alternative provision",
                      back=reverse("placements:placement_list", kwargs={"org": org}), caption=request.organisation.name,
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
        try:
            services.referral_save(referral=referral, data=form.to_model())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if draft:
                messages.success(request, "Your answers have been saved as a draft.")
                return redirect("placements:placement_detail", org=org, pk=pk)
            index = STEP_SLUGS.index(step)
            if request.GET.get("check") or index == len(STEP_SLUGS) - 1:
                return redirect("placements:referral_check", org=org, pk=pk)
            return redirect("placements:referral_step", org=org, pk=pk, step=STEP_SLUGS[index + 1])
    index = STEP_SLUGS.index(step)
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
        try:
            services.referral_submit(referral=referral, by=request.user, organisation=request.organisation,
                                     now=clock.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
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
        messages.info(request, "This referral is not waiting for a decision.")
        return redirect("placements:placement_detail", org=org, pk=pk)
    initial = {"consulted": [k for k in ("consulted_pupil", "consulted_parents", "consulted_teacher",
                                         "consulted_professionals") if getattr(referral, k)],
               "professionals_consulted": referral.professionals_consulted}
    form = f.DecisionForm(posted(request), initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.referral_decide(placement=placement, approve=approve, consulted=form.consulted_flags(),
                                     notes=form.cleaned_data["notes"], by=request.user,
                                     organisation=request.organisation, now=clock.now())
        except lifecycle.TransitionBlocked as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        except (lifecycle.TransitionError, ValidationError) as exc:
            form.add_error(None, str(exc) if isinstance(exc, lifecycle.TransitionError) else "; ".join(exc.messages))
        else:
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
        messages.info(request, "This referral is not waiting for your answer.")
        return redirect("placements:placement_detail", org=org, pk=pk)
    form = f.RespondForm(posted(request))
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["response"] == "accept"
        try:
            services.provider_respond(placement=placement, accept=accept, reason=form.cleaned_data["reason"],
                                      by=request.user, organisation=request.organisation, now=clock.now())
        except lifecycle.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Referral accepted. Assess the pupil's needs within a week." if accept
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
        try:
            services.initial_assessment_record(placement=placement, done_on=form.cleaned_data["done_on"],
                                               summary=form.cleaned_data["summary"], by=request.user,
                                               organisation=request.organisation, now=clock.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Initial assessment recorded.")
            return redirect("placements:placement_detail", org=org, pk=pk)
    due = placement.initial_assessment_due
    return _form_page(request, form, title="Initial assessment of needs", caption=str(placement.pupil),
                      back=reverse("placements:placement_detail", kwargs={"org": org, "pk": pk}),
                      intro=f"Due by {due:%-d %B %Y}: within a week of accepting the referral." if due else "")


# --- Commissioning agreement --------------------------------------------------------------

@org_view(C.VIEW_AGREEMENTS, kinds=(K.SCHOOL, K.TRUST, K.PROVIDER))
def agreement_detail(request, org, pk):
    placement = _placement(pk)
    if placement.state not in services.AGREEMENT_STATES and placement.state != State.ENDED:
        raise Http404("No agreement yet")
    reader = selectors.placement_reader(placement, request.membership)
    latest = selectors.latest_agreement(placement, request.membership)
    current = selectors.current_agreement(placement)
    shown = latest
    today = clock.today()
    full_time = selectors.full_time_for(placement, shown) if shown else None
    problems = selectors.agreement_problems(placement=placement, agreement=shown, on=today) if shown and not shown.is_agreed else []
    side = "school" if request.organisation.is_school else "provider"
    can_sign = request.membership.can(C.SIGN_AGREEMENTS) and request.organisation.kind in (K.SCHOOL, K.PROVIDER)
    ctx = {
        "placement": placement, "agreement": shown, "current": current, "full_time": full_time,
        "problems": problems, "week": rules.week_plan(shown.sessions.all()) if shown else [],
        "history": selectors.agreement_history(placement, request.membership),
        "view": selectors.agreement_view(shown, reader) if shown else None,
        "label": selectors.pupil_label(placement, reader),
        "can_edit": request.organisation.is_school and can_sign and placement.state in services.AGREEMENT_STATES,
        "can_agree": can_sign and shown is not None and not shown.is_agreed
        and getattr(shown, f"{side}_agreed_at") is None and placement.state in services.AGREEMENT_STATES,
        "agree_form": f.SubmitForm(submit="Agree this version"),
        "side": side,
    }
    if shown:
        audit_request(request, action=AuditAction.VIEW, obj=shown,
                      detail="including special-category data" if ctx["view"].shows_special else "")
    return render(request, "placements/agreement_detail.html", ctx)


@org_view(C.VIEW_AGREEMENTS, kinds=(K.SCHOOL, K.TRUST, K.PROVIDER))
def agreement_pdf(request, org, pk):
    """The latest commissioning agreement version as a PDF (same rendering service as SLAs)."""
    placement = _placement(pk)
    agreement = selectors.latest_agreement(placement, request.membership)
    if agreement is None:
        raise Http404("No agreement yet")
    reader = selectors.placement_reader(placement, request.membership)
    view = selectors.agreement_view(agreement, reader)
    data = pdf.render_pdf("print/agreement.html", {
        "placement": placement, "agreement": agreement, "view": view,
        "label": selectors.pupil_label(placement, reader),
        "full_time": selectors.full_time_for(placement, agreement),
        "week": rules.week_plan(agreement.sessions.all()),
        "title": f"Commissioning agreement for {selectors.pupil_label(placement, reader).text}, "
                 f"version {agreement.version}",
        "footer": f"Commissioning agreement P-{placement.pk} version {agreement.version} · "
                  f"{'agreed by both' if agreement.is_agreed else 'not yet agreed by both'} · "
                  f"exported {clock.local_now():%d %b %Y %H:%M} · OFFICIAL-SENSITIVE",
    })
    audit_request(request, action=AuditAction.EXPORT, obj=agreement,
                  detail="PDF including special-category data" if view.shows_special else "PDF")
    return pdf.pdf_response(data, f"commissioning-agreement-P{placement.pk}-v{agreement.version}.pdf")


def _draft_agreement(request, placement) -> CommissioningAgreement:
    """The version a form edits. Only a POST starts a new version; a GET shows what it would hold
    (an unsaved copy of the agreed version), so opening a page never changes anything."""
    if placement.state not in services.AGREEMENT_STATES:
        raise Http404("The agreement is written once the provider has accepted the referral.")
    if request.method != "POST":
        return selectors.agreement_to_edit(placement)
    try:
        return services.agreement_draft(placement=placement, by=request.user, now=clock.now())
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc


@org_view(C.SIGN_AGREEMENTS, kinds=SCHOOL)
def agreement_edit(request, org, pk):
    placement = _placement(pk)
    agreement = _draft_agreement(request, placement)
    form = f.AgreementForm(posted(request), instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_save(agreement=agreement, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Agreement saved. Both sides need to agree this version.")
            return redirect("placements:agreement_detail", org=org, pk=pk)
    return _form_page(request, form, title=f"Commissioning agreement, version {agreement.version}",
                      caption=str(placement.pupil), back=reverse("placements:agreement_detail", kwargs={"org": org, "pk": pk}),
                      intro="Write it with the provider at the set-up meeting. Saving a change means both sides "
                            "agree it again.")


@org_view(C.SIGN_AGREEMENTS, kinds=SCHOOL)
def target_add(request, org, pk):
    placement = _placement(pk)
    agreement = _draft_agreement(request, placement)
    form = f.TargetForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.target_add(agreement=agreement, data=form.cleaned_data)
        messages.success(request, "Target added.")
        return redirect("placements:agreement_detail", org=org, pk=pk)
    return _form_page(request, form, title="Add a target", caption=str(placement.pupil),
                      back=reverse("placements:agreement_detail", kwargs={"org": org, "pk": pk}),
                      intro="For example: L1 Functional Skills English, pass grade; 95% attendance.")


@org_view(C.SIGN_AGREEMENTS, kinds=SCHOOL)
@require_POST
def target_remove(request, org, pk, tpk):
    target = get_object_or_404(Target.objects.select_related("agreement"), pk=tpk, agreement__placement_id=pk)
    try:
        services.target_remove(target=target)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("placements:agreement_detail", org=org, pk=pk)


@org_view(C.SIGN_AGREEMENTS, kinds=SCHOOL)
def session_add(request, org, pk):
    placement = _placement(pk)
    agreement = _draft_agreement(request, placement)
    form = f.SessionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_add(agreement=agreement, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Session added to the timetable.")
            return redirect("placements:agreement_detail", org=org, pk=pk)
    return _form_page(request, form, title="Add a timetable session", caption=str(placement.pupil),
                      back=reverse("placements:agreement_detail", kwargs={"org": org, "pk": pk}),
                      intro="Each session becomes a register the provider fills in.")


@org_view(C.SIGN_AGREEMENTS, kinds=SCHOOL)
@require_POST
def session_remove(request, org, pk, spk):
    session = get_object_or_404(TimetableSession.objects.select_related("agreement"), pk=spk,
                                agreement__placement_id=pk)
    try:
        services.session_remove(session=session)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("placements:agreement_detail", org=org, pk=pk)


@org_view(C.SIGN_AGREEMENTS, kinds=(K.SCHOOL, K.PROVIDER))
@require_POST
def agreement_agree(request, org, pk):
    placement = _placement(pk)
    agreement = selectors.latest_agreement(placement)
    if agreement is None:
        raise Http404("No agreement")
    try:
        services.agreement_agree(agreement=agreement, by=request.user, organisation=request.organisation,
                                 now=clock.now())
    except lifecycle.TransitionBlocked as exc:
        for problem in exc.problems:
            messages.error(request, problem)
    except (lifecycle.TransitionError, ValidationError) as exc:
        messages.error(request, str(exc) if isinstance(exc, lifecycle.TransitionError) else exc.messages[0])
    else:
        messages.success(request, f"You have agreed version {agreement.version}.")
    return redirect("placements:agreement_detail", org=org, pk=pk)


# --- Parents, start, status, end ----------------------------------------------------------

@org_view(C.MAKE_REFERRALS, kinds=SCHOOL)
def parental_agreement(request, org, pk):
    placement = _placement(pk)
    form = f.ParentalAgreementForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "signed_copy" or v}
        try:
            record = services.parental_agreement_record(placement=placement, data=data, by=request.user,
                                                        organisation=request.organisation, now=clock.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit_request(request, action=AuditAction.CREATE, obj=record)
            messages.success(request, "Parents' or carers' agreement recorded.")
            return redirect("placements:placement_detail", org=org, pk=pk)
    return _form_page(request, form, title="Parents' or carers' agreement", caption=str(placement.pupil),
                      back=reverse("placements:placement_detail", kwargs={"org": org, "pk": pk}),
                      intro="Parents or carers sign the alternative provision contract before the placement starts. "
                            "Upload the signed paper, or record their name and the date they signed.")


@org_view(C.MAKE_REFERRALS, kinds=SCHOOL)
def parental_agreement_file(request, org, pk, apk):
    from apcommission.uploads import serve_file  # attachment, sniffed type, nosniff, sandbox CSP

    record = get_object_or_404(ParentalAgreement, pk=apk, placement_id=pk)
    if not record.signed_copy:
        raise Http404("No file")
    try:
        handle = record.signed_copy.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing") from exc
    audit_request(request, action=AuditAction.DOWNLOAD, obj=record)
    response: FileResponse = serve_file(handle, filename=f"Parents agreement signed {record.signed_on:%Y-%m-%d}")
    return response


def _transition_form(request, org, placement, *, form, title: str, intro: str, run, success: str):
    if request.method == "POST" and form.is_valid():
        try:
            run(form)
        except lifecycle.TransitionBlocked as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        except lifecycle.TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect("placements:placement_detail", org=org, pk=placement.pk)
    return _form_page(request, form, title=title, caption=str(placement.pupil), intro=intro,
                      back=reverse("placements:placement_detail", kwargs={"org": org, "pk": placement.pk}),
                      status=400 if form.errors else 200)


@org_view(C.MAKE_REFERRALS, kinds=SCHOOL)
def placement_start(request, org, pk):
    placement = _placement(pk)
    form = f.SubmitForm(posted(request), submit="Start the placement")
    start = placement.start_date
    return _transition_form(
        request, org, placement, form=form, title="Start the placement",
        intro=(f"The agreed start date is {start:%-d %B %Y}. " if start else "")
        + f"Starting the placement tells {placement.school.local_authority or 'the local authority'} "
          "and opens registers for its sessions.",
        run=lambda form: services.placement_start(placement=placement, by=request.user,
                                                  organisation=request.organisation, now=clock.now()),
        success="The placement has started. The local authority has been told.",
    )


@org_view(C.SIGN_AGREEMENTS, kinds=(K.SCHOOL, K.PROVIDER))
def placement_status(request, org, pk, transition):
    if transition not in (Transition.EMERGENCY_REVIEW, Transition.SUSPEND, Transition.RESUME):
        raise Http404("No such change")
    placement = _placement(pk)
    if not lifecycle.can(placement.state, transition, request.organisation.kind):
        raise Http404("Not possible now")
    label = Transition(transition).label
    form = f.StatusChangeForm(posted(request), submit=label)
    return _transition_form(
        request, org, placement, form=form, title=label, intro="",
        run=lambda form: services.placement_change_status(placement=placement, name=transition,
                                                          note=form.cleaned_data["note"], by=request.user,
                                                          organisation=request.organisation, now=clock.now()),
        success="Done. The other side has been told.",
    )


@org_view(C.MAKE_REFERRALS, kinds=SCHOOL)
def placement_end(request, org, pk):
    placement = _placement(pk)
    if not lifecycle.can(placement.state, Transition.END, K.SCHOOL):
        raise Http404("Not possible now")
    form = f.EndForm(posted(request))
    return _transition_form(
        request, org, placement, form=form, title="End the placement",
        intro="Record why it ended, where the pupil goes next, the provider's final report and the pupil's own view.",
        run=lambda form: services.placement_end(placement=placement, data=form.cleaned_data, by=request.user,
                                                organisation=request.organisation, now=clock.now()),
        success="The placement has ended.",
    )


@org_view(C.MAKE_REFERRALS, kinds=SCHOOL)
def placement_destination(request, org, pk):
    placement = _placement(pk)
    form = f.DestinationForm(posted(request), initial={"destination": placement.destination or None,
                                                            "destination_details": placement.destination_details})
    if request.method == "POST" and form.is_valid():
        services.destination_record(placement=placement, destination=form.cleaned_data["destination"],
                                    details=form.cleaned_data["destination_details"], by=request.user,
                                    organisation=request.organisation, now=clock.now())
        messages.success(request, "Destination saved.")
        return redirect("placements:placement_detail", org=org, pk=pk)
    return _form_page(request, form, title="The pupil's next destination", caption=str(placement.pupil),
                      back=reverse("placements:placement_detail", kwargs={"org": org, "pk": pk}))


# --- Local authority ----------------------------------------------------------------------

@org_view(C.VIEW_AREA, kinds=(K.LOCAL_AUTHORITY,))
def area_list(request, org):
    """Every child in AP in the LA's area (read-only, no special-category data)."""
    page = Paginator(selectors.area_children(), 100).get_page(request.GET.get("page"))
    return render(request, "placements/area_list.html", {"page": page})



