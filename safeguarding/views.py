"""Incident, emergency review and safeguarding concern pages. Thin: services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apcommission import clock
from apcommission.forms import posted, render_form_page, service_errors
from placements.models import Placement
from placements.selectors import placement_get, placement_reader, pupil_label
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request, client_ip

from . import selectors, services
from .forms import ConcernForm, IncidentForm, ReviewCloseForm, ShareForm
from .models import EmergencyReview, Incident, IncidentKind, SafeguardingConcern

SIDES = (K.SCHOOL, K.PROVIDER)


def _placement(pk) -> Placement:
    try:
        return placement_get(pk)
    except Placement.DoesNotExist:
        raise Http404("No such placement") from None


def _get(model, pk):
    try:
        return model.objects.select_related("placement", "placement__pupil", "placement__school",
                                            "placement__provider").get(pk=pk)
    except model.DoesNotExist:
        raise Http404("Not found") from None


def _label(request, placement) -> str:
    return pupil_label(placement, placement_reader(placement, request.membership)).text


def _placement_url(org, placement) -> str:
    return reverse("placements:placement_detail", kwargs={"org": org, "pk": placement.pk})


def _not_for_role(request, placement):
    """Need to know: the placement is theirs, its behaviour records are not for their role."""
    return render(request, "safeguarding/not_for_role.html", {"placement": placement,
                                                              "label": _label(request, placement)})


# --- Incidents ----------------------------------------------------------------------------------

@org_view(C.VIEW_PUPILS, kinds=SIDES)
def incident_list(request, org, pk):
    placement = _placement(pk)
    readable = selectors.reads_incidents(placement, request.membership)
    return render(request, "safeguarding/incident_list.html", {
        "placement": placement, "label": _label(request, placement), "readable": readable,
        "incidents": selectors.placement_incidents(placement) if readable else [],
        "reviews": selectors.placement_reviews(placement) if readable else [],
        "can_record": request.organisation.kind == K.PROVIDER,
        "kinds": IncidentKind.choices,
    })


@org_view(C.VIEW_PUPILS, kinds=(K.PROVIDER,))
def incident_create(request, org, pk):
    placement = _placement(pk)
    kind = request.GET.get("kind", IncidentKind.BEHAVIOUR)
    if kind not in IncidentKind.values:
        raise Http404("No such kind of incident")
    now = clock.now()
    form = IncidentForm(posted(request), kind=kind, now=now)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.incident_record(placement=placement, kind=kind, data=form.cleaned_data, by=request.user,
                                     organisation=request.organisation, now=now)
            messages.success(request, f"{IncidentKind(kind).label} recorded. The school's AP lead has been told.")
            return redirect("safeguarding:incident_list", org=org, pk=placement.pk)
    return render_form_page(request, form, title=f"Record a {IncidentKind(kind).label.lower()}",
                            caption=_label(request, placement),
                            back_url=reverse("safeguarding:incident_list", kwargs={"org": org, "pk": placement.pk}),
                            intro="The school's AP lead is told at once. Emails never carry the pupil's name.",
                            status=400 if form.errors else 200)


@org_view(C.VIEW_PUPILS, kinds=SIDES)
def incident_detail(request, org, pk):
    incident = _get(Incident, pk)
    placement = incident.placement
    if not selectors.reads_incidents(placement, request.membership):
        return _not_for_role(request, placement)
    audit_request(request, action=AuditAction.VIEW, obj=incident)
    return render(request, "safeguarding/incident_detail.html", {
        "incident": incident, "placement": placement, "label": _label(request, placement)})


# --- Emergency reviews --------------------------------------------------------------------------

@org_view(C.VIEW_PUPILS, kinds=SIDES)
def review_detail(request, org, pk):
    review = _get(EmergencyReview, pk)
    placement = review.placement
    if not selectors.reads_incidents(placement, request.membership):
        return _not_for_role(request, placement)
    can_close = review.is_open and request.membership.can(C.RECORD_VISITS) and request.organisation.is_school
    return render(request, "safeguarding/review_detail.html", {
        "review": review, "placement": placement, "label": _label(request, placement),
        "incidents": review.incidents.select_related("recorded_by_organisation"), "can_close": can_close})


@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def review_close(request, org, pk):
    review = _get(EmergencyReview, pk)
    if not review.is_open:
        raise Http404("This review is closed")
    form = ReviewCloseForm(posted(request), initial={"targets": review.targets})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            data = form.cleaned_data
            services.review_close(review=review, targets=data["targets"], outcome=data["outcome"],
                                  notes=data["notes"], by=request.user, organisation=request.organisation,
                                  now=clock.now())
            messages.success(request, "Emergency review closed.")
            return redirect("safeguarding:review_detail", org=org, pk=review.pk)
    return render_form_page(request, form, title="Close the emergency review", caption=_label(request, review.placement),
                            back_url=reverse("safeguarding:review_detail", kwargs={"org": org, "pk": review.pk}),
                            status=400 if form.errors else 200)


# --- Safeguarding concerns ----------------------------------------------------------------------

@org_view(C.VIEW_PUPILS, kinds=SIDES)
def concern_create(request, org, pk):
    """Anyone at the school or provider who works with the pupil can raise a concern (KCSIE: all
    staff act on a concern at once); only the DSLs read it."""
    placement = _placement(pk)
    now = clock.now()
    form = ConcernForm(posted(request), now=now)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            concern = services.concern_raise(placement=placement, data=form.cleaned_data, by=request.user,
                                             organisation=request.organisation, now=now)
            messages.success(request, "Concern sent to the school's and the provider's safeguarding leads.")
            if selectors.can_read_concern(concern, request.membership):
                return redirect("safeguarding:concern_detail", org=org, pk=concern.pk)
            return redirect(_placement_url(org, placement))
    return render_form_page(
        request, form, title="Raise a safeguarding concern", caption=_label(request, placement),
        back_url=_placement_url(org, placement),
        intro=["It goes at once to the school's designated safeguarding lead and the provider's safeguarding "
               "lead. Only they, and the people they share it with, can read it.",
               "If a child is in immediate danger, call 999 first."],
        status=400 if form.errors else 200)


@org_view(C.VIEW_DASHBOARD)
def concern_list(request, org):
    concerns = list(selectors.readable_concerns(request.membership))
    return render(request, "safeguarding/concern_list.html", {"concerns": concerns})


def _readable_concern(request, pk) -> SafeguardingConcern:
    concern = _get(SafeguardingConcern, pk)
    if not selectors.can_read_concern(concern, request.membership):
        raise Http404("No such concern")
    return concern


@org_view(C.VIEW_DASHBOARD)
def concern_detail(request, org, pk):
    concern = _readable_concern(request, pk)
    audit_request(request, action=AuditAction.VIEW, obj=concern, detail="Read the safeguarding concern")
    can_share = selectors.can_share_concern(concern, request.membership)
    return render(request, "safeguarding/concern_detail.html", {
        "concern": concern, "placement": concern.placement, "label": _label(request, concern.placement),
        "can_share": can_share, "readers": selectors.concern_readers(concern) if can_share else []})


@org_view(C.SHARE_SAFEGUARDING, kinds=SIDES)
def concern_share(request, org, pk):
    concern = _readable_concern(request, pk)
    if not selectors.can_share_concern(concern, request.membership):
        raise Http404("No such concern")
    form = ShareForm(posted(request), candidates=selectors.share_candidates(concern))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            person = next(m.user for m in selectors.share_candidates(concern)
                          if m.user_id == form.cleaned_data["person"])
            services.concern_share(concern=concern, user=person, by=request.user, organisation=request.organisation,
                                   ip_address=client_ip(request))
            messages.success(request, f"Shared with {person}.")
            return redirect("safeguarding:concern_detail", org=org, pk=concern.pk)
    return render_form_page(request, form, title="Share this safeguarding concern", caption=str(concern),
                            back_url=reverse("safeguarding:concern_detail", kwargs={"org": org, "pk": concern.pk}),
                            intro="The person reads this one concern, until you stop sharing it. Every read is "
                                  "recorded in the audit log.",
                            status=400 if form.errors else 200)


@require_POST
@org_view(C.SHARE_SAFEGUARDING, kinds=SIDES)
def concern_unshare(request, org, pk, user_pk):
    concern = _readable_concern(request, pk)
    if not selectors.can_share_concern(concern, request.membership):
        raise Http404("No such concern")
    if user_pk not in {u.pk for u in selectors.concern_readers(concern)}:
        raise Http404("Not shared with that person")
    services.concern_unshare(concern=concern, user_id=user_pk, by=request.user, organisation=request.organisation,
                             ip_address=client_ip(request))
    messages.success(request, "Stopped sharing the concern.")
    return redirect("safeguarding:concern_detail", org=org, pk=concern.pk)
