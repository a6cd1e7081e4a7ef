"""Incident, emergency review, safeguarding concern, formal review and ceasing pages. Thin: services
write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apcommission import clock
from apcommission.forms import posted, render_form_page, service_errors
from placements import lifecycle
from placements.models import IN_AP_STATES, Placement
from placements.selectors import placement_get, placement_reader, pupil_label
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request, client_ip

from . import selectors, services
from .forms import (
    CeaseForm,
    ConcernForm,
    FormalOpenForm,
    FormalRecordForm,
    IncidentForm,
    ReviewCloseForm,
    ShareForm,
)
from .models import EmergencyReview, FormalReview, Incident, IncidentKind, SafeguardingConcern

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


def _record_page(request, record, template: str, **context):
    """An incident or formal review: for the staff who read behaviour and progress (audited), a
    'not for your role' page for the placement's other staff."""
    placement = record.placement
    if not selectors.reads_incidents(placement, request.membership):
        return _not_for_role(request, placement)
    audit_request(request, action=AuditAction.VIEW, obj=record)
    return render(request, template, {"placement": placement, "label": _label(request, placement), **context})


@org_view(C.VIEW_PUPILS, kinds=SIDES)
def incident_detail(request, org, pk):
    incident = _get(Incident, pk)
    return _record_page(request, incident, "safeguarding/incident_detail.html", incident=incident)


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
                                   ip_address=client_ip(request), now=clock.now())
            messages.success(request, f"Shared with {person}. They have been told.")
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


# --- Formal reviews and ceasing -----------------------------------------------------------------

def _formal_url(org, placement) -> str:
    return reverse("safeguarding:formal_list", kwargs={"org": org, "pk": placement.pk})


@org_view(C.VIEW_PUPILS, kinds=SIDES)
def formal_list(request, org, pk):
    """The placement's formal reviews, how many unsatisfactory reviews it has had against the agreed
    number, and (for school leaders) opening one or ceasing the placement."""
    placement = _placement(pk)
    readable = selectors.reads_incidents(placement, request.membership)
    reviews = list(selectors.placement_formal_reviews(placement)) if readable else []
    offer = selectors.cease_offer(placement, reviews) if readable else None
    school = request.organisation.kind == K.SCHOOL
    in_ap = placement.state in IN_AP_STATES
    return render(request, "safeguarding/formal_list.html", {
        "placement": placement, "label": _label(request, placement), "readable": readable, "reviews": reviews,
        "offer": offer, "open_review": next((r for r in reviews if r.is_open), None),
        "can_open": school and in_ap and request.membership.can(C.RECORD_VISITS),
        "can_cease": school and request.membership.can(C.MAKE_REFERRALS)
        and lifecycle.can(placement.state, lifecycle.Transition.END, K.SCHOOL),
    })


@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def formal_open(request, org, pk):
    placement = _placement(pk)
    form = FormalOpenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            review = services.formal_review_open(placement=placement, reason=form.cleaned_data["reason"],
                                                 by=request.user, organisation=request.organisation, now=clock.now())
            messages.success(request, "Formal review opened. The headteacher, the AP lead and the provider have "
                                      "been told.")
            return redirect("safeguarding:formal_detail", org=org, pk=review.pk)
    return render_form_page(request, form, title="Open a formal review", caption=_label(request, placement),
                            back_url=_formal_url(org, placement),
                            intro="A formal review meeting brings together school leaders, the pupil, their parents "
                                  "or carers and the provider when progress is unsatisfactory.",
                            status=400 if form.errors else 200)


@org_view(C.VIEW_PUPILS, kinds=SIDES)
def formal_detail(request, org, pk):
    review = _get(FormalReview, pk)
    return _record_page(request, review, "safeguarding/formal_detail.html", review=review,
                        can_record=review.is_open and request.organisation.kind == K.SCHOOL
                        and request.membership.can(C.RECORD_VISITS))


@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def formal_record(request, org, pk):
    review = _get(FormalReview, pk)
    if not review.is_open:
        raise Http404("This formal review has been recorded")
    form = FormalRecordForm(posted(request), today=clock.today())
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.formal_review_record(review=review, data=form.cleaned_data, by=request.user,
                                          organisation=request.organisation, now=clock.now())
            messages.success(request, "Formal review recorded.")
            return redirect("safeguarding:formal_detail", org=org, pk=review.pk)
    return render_form_page(request, form, title="Record the formal review", caption=_label(request, review.placement),
                            back_url=reverse("safeguarding:formal_detail", kwargs={"org": org, "pk": review.pk}),
                            status=400 if form.errors else 200)


@org_view(C.MAKE_REFERRALS, kinds=(K.SCHOOL,))
def placement_cease(request, org, pk):
    """Cease the placement (seed 002): after the agreed number of unsatisfactory reviews, or at once
    when the pupil is in danger. The placement ends through the one lifecycle; a refusal (wrong
    state, not yet offered) is shown in the error summary and nothing changes."""
    placement = _placement(pk)
    title = "Cease the placement"
    form = CeaseForm(posted(request), initial={"ended_on": clock.today()})
    if not lifecycle.can(placement.state, lifecycle.Transition.END, K.SCHOOL):
        form = CeaseForm({})
        form.is_valid()
        form.errors.clear()
        form.add_error(None, f"You cannot cease the placement now: it is {placement.get_state_display().lower()}")
        return render_form_page(request, form, title=title, caption=_label(request, placement),
                                back_url=_formal_url(org, placement), status=409, hide_form=True)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            data = form.cleaned_data
            services.placement_cease(placement=placement, ground=data["ground"], reason=data["reason"],
                                     destination=data["destination"], destination_details=data["destination_details"],
                                     ended_on=data["ended_on"], by=request.user, organisation=request.organisation,
                                     now=clock.now())
            messages.success(request, "The placement has ceased. The provider has been told.")
            return redirect(_placement_url(org, placement))
    offer = selectors.cease_offer(placement)
    intro = [f"Ceasing for lack of progress needs {offer.agreed} unsatisfactory reviews, or a formal review that "
             f"decided to cease; this placement has had {offer.count}.",
             "If the pupil is likely to be in danger, cease it at once: no formal review is needed, and the "
             "designated safeguarding leads are told straight away."]
    return render_form_page(request, form, title=title, caption=_label(request, placement),
                            back_url=_formal_url(org, placement), intro=intro, status=400 if form.errors else 200)
