"""Parents' agreement and the lifecycle pages: start, status changes, end and destination."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect

from apcommission import clock
from apcommission.forms import posted, render_form_page, service_errors
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from .. import forms as f
from .. import lifecycle, services
from ..lifecycle import Transition
from ..models import (
    ParentalAgreement,
)
from ._common import (
    SCHOOL,
    _detail_url,
    _placement,
    _refused,
)


@org_view(C.MAKE_REFERRALS, kinds=SCHOOL)
def parental_agreement(request, org, pk):
    placement = _placement(pk)
    form = f.ParentalAgreementForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "signed_copy" or v}
        with service_errors(form):
            record = services.parental_agreement_record(placement=placement, data=data, by=request.user,
                                                        organisation=request.organisation, now=clock.now())
            audit_request(request, action=AuditAction.CREATE, obj=record)
            messages.success(request, "Parents' or carers' agreement recorded.")
            return redirect("placements:placement_detail", org=org, pk=pk)
    return render_form_page(request, form, title="Parents' or carers' agreement", caption=str(placement.pupil),
                            back_url=_detail_url(org, placement),
                            intro="Parents or carers sign the alternative provision contract before the placement "
                                  "starts. Upload the signed paper, or record their name and the date they signed.")


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


def _not_now(placement, name: str, kind: str) -> list[str]:
    """Why transition `name` cannot leave the placement's state for this side (empty: it can)."""
    if lifecycle.can(placement.state, name, kind):
        return []
    label = Transition(name).label
    return [f"You cannot {label[0].lower()}{label[1:]} now: the placement is {placement.get_state_display().lower()}"]


def _transition_form(request, org, placement, *, name: str, form, title: str, intro: str, run, success: str):
    """A lifecycle page: the form, then the service; every refusal (wrong state, a guard, validation,
    permission) is shown in the error summary and nothing changes."""
    problems = _not_now(placement, name, request.organisation.kind)
    if problems:
        return _refused(request, org, placement, title=title, problems=problems)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            run(form)
            messages.success(request, success)
            return redirect("placements:placement_detail", org=org, pk=placement.pk)
    return render_form_page(request, form, title=title, caption=str(placement.pupil), intro=intro,
                            back_url=_detail_url(org, placement), status=400 if form.errors else 200)


@org_view(C.MAKE_REFERRALS, kinds=SCHOOL)
def placement_start(request, org, pk):
    placement = _placement(pk)
    form = f.SubmitForm(posted(request), submit="Start the placement")
    start = placement.start_date
    return _transition_form(
        request, org, placement, name=Transition.START, form=form, title="Start the placement",
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
    label = Transition(transition).label
    form = f.StatusChangeForm(posted(request), submit=label)
    return _transition_form(
        request, org, placement, name=transition, form=form, title=label, intro="",
        run=lambda form: services.placement_change_status(placement=placement, name=transition,
                                                          note=form.cleaned_data["note"], by=request.user,
                                                          organisation=request.organisation, now=clock.now()),
        success="Done. The other side has been told.",
    )


@org_view(C.MAKE_REFERRALS, kinds=SCHOOL)
def placement_end(request, org, pk):
    placement = _placement(pk)
    form = f.EndForm(posted(request))
    return _transition_form(
        request, org, placement, name=Transition.END, form=form, title="End the placement",
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
        with service_errors(form):
            services.destination_record(placement=placement, destination=form.cleaned_data["destination"],
                                        details=form.cleaned_data["destination_details"], by=request.user,
                                        organisation=request.organisation, now=clock.now())
            messages.success(request, "Destination saved.")
            return redirect("placements:placement_detail", org=org, pk=pk)
    return render_form_page(request, form, title="The pupil's next destination", caption=str(placement.pupil),
                            back_url=_detail_url(org, placement))
