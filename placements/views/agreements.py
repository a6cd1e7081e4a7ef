"""The commissioning agreement: reading it, its PDF, editing, targets, sessions and agreeing a version."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apcommission import clock, pdf
from apcommission.forms import posted, render_form_page, run_service, service_errors
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from .. import forms as f
from .. import rules, selectors, services
from ..models import (
    CommissioningAgreement,
    State,
    Target,
    TimetableSession,
)
from ._common import (
    SCHOOL,
    _placement,
    _refused,
)


@org_view(C.VIEW_AGREEMENTS, kinds=(K.SCHOOL, K.TRUST, K.PROVIDER))
def agreement_detail(request, org, pk):
    return _agreement_page(request, pk)


def _agreement_page(request, pk, *, refused=None, status: int = 200):
    """The agreement page; `refused` is a form whose errors say why a change to it was refused."""
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
        "refused": refused,
    }
    if shown:
        audit_request(request, action=AuditAction.VIEW, obj=shown,
                      detail="including special-category data" if ctx["view"].shows_special else "")
    return render(request, "placements/agreement_detail.html", ctx, status=status)


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
    form = f.AgreementForm(posted(request), instance=agreement, staff=selectors.school_staff(placement.school))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.agreement_save(agreement=agreement, data=form.cleaned_data)
            messages.success(request, "Agreement saved. Both sides need to agree this version.")
            return redirect("placements:agreement_detail", org=org, pk=pk)
    return render_form_page(request, form, title=f"Commissioning agreement, version {agreement.version}",
                            caption=str(placement.pupil), back_url=reverse("placements:agreement_detail", kwargs={"org": org, "pk": pk}),
                            intro="Write it with the provider at the set-up meeting. Saving a change means both sides "
                                  "agree it again.")


def _agreement_part_add(request, org, pk, *, form_class, add, title: str, success: str, intro: str):
    """Add a target or a session to the version being drafted (a POST starts that version)."""
    placement = _placement(pk)
    agreement = _draft_agreement(request, placement)
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            add(agreement=agreement, data=form.cleaned_data)
            messages.success(request, success)
            return redirect("placements:agreement_detail", org=org, pk=pk)
    return render_form_page(request, form, title=title, caption=str(placement.pupil), intro=intro,
                            back_url=reverse("placements:agreement_detail", kwargs={"org": org, "pk": pk}))


def _agreement_part_remove(request, org, pk, *, remove):
    form = f.SubmitForm(request.POST, submit="Remove")
    if form.is_valid() and run_service(form, remove):
        return redirect("placements:agreement_detail", org=org, pk=pk)
    return _agreement_page(request, pk, refused=form, status=400)


@org_view(C.SIGN_AGREEMENTS, kinds=SCHOOL)
def target_add(request, org, pk):
    return _agreement_part_add(request, org, pk, form_class=f.TargetForm, add=services.target_add,
                               title="Add a target", success="Target added.",
                               intro="For example: L1 Functional Skills English, pass grade; 95% attendance.")


@org_view(C.SIGN_AGREEMENTS, kinds=SCHOOL)
@require_POST
def target_remove(request, org, pk, tpk):
    target = get_object_or_404(Target.objects.select_related("agreement"), pk=tpk, agreement__placement_id=pk)
    return _agreement_part_remove(request, org, pk, remove=lambda: services.target_remove(target=target))


@org_view(C.SIGN_AGREEMENTS, kinds=SCHOOL)
def session_add(request, org, pk):
    return _agreement_part_add(request, org, pk, form_class=f.SessionForm, add=services.session_add,
                               title="Add a timetable session", success="Session added to the timetable.",
                               intro="Each session becomes a register the provider fills in.")


@org_view(C.SIGN_AGREEMENTS, kinds=SCHOOL)
@require_POST
def session_remove(request, org, pk, spk):
    session = get_object_or_404(TimetableSession.objects.select_related("agreement"), pk=spk,
                                agreement__placement_id=pk)
    return _agreement_part_remove(request, org, pk, remove=lambda: services.session_remove(session=session))


@org_view(C.SIGN_AGREEMENTS, kinds=(K.SCHOOL, K.PROVIDER))
@require_POST
def agreement_agree(request, org, pk):
    placement = _placement(pk)
    agreement = selectors.latest_agreement(placement)
    title = "Agree the commissioning agreement"
    if agreement is None:
        return _refused(request, org, placement, title=title, problems=[
            "There is no commissioning agreement to agree yet: the school writes it once the provider has "
            "accepted the referral"])
    form = f.SubmitForm(posted(request), submit="Agree this version")
    form.is_valid()
    with service_errors(form):
        services.agreement_agree(agreement=agreement, by=request.user, organisation=request.organisation,
                                 now=clock.now())
        messages.success(request, f"You have agreed version {agreement.version}.")
        return redirect("placements:agreement_detail", org=org, pk=pk)
    return _refused(request, org, placement, title=title, problems=list(form.non_field_errors()), status=400)
