"""The placement list, the placement page (with what this member can do next) and the LA's list."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from apcommission import clock
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from .. import lifecycle, rules, selectors, services
from ..dashboard import placement_queue
from ..lifecycle import Transition
from ..models import (
    IN_AP_STATES,
    ParentalAgreement,
    Placement,
    State,
)
from ._common import (
    _placement,
)


@org_view(C.VIEW_PUPILS, kinds=(K.SCHOOL, K.TRUST, K.PROVIDER))
def placement_list(request, org):
    state = request.GET.get("state", "")
    today = clock.today()
    qs = selectors.placement_list()
    if state in State.values:
        qs = qs.filter(state=state)
    # A dashboard figure's list: exactly the placements the figure counts (placements/dashboard.py).
    queue = placement_queue(request.GET.get("queue", ""), membership=request.membership, on=today)
    if queue is not None:
        qs = qs.filter(queue.q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [{
        "placement": p,
        "label": selectors.list_label(p, request.membership),
        "assessment": rules.initial_assessment_status(due=p.initial_assessment_due, done_on=p.initial_assessment_done_on,
                                                      on=today) if p.state == State.ACCEPTED else "",
        "needs_destination": p.state in (*IN_AP_STATES, State.ENDED) and rules.needs_destination(
            year_group=p.pupil.year_group, destination=p.destination),
    } for p in page.object_list]
    return render(request, "placements/placement_list.html", {
        "page": page, "rows": rows, "state": state, "states": State.choices, "queue": queue,
        "can_refer": request.organisation.is_school and request.membership.can(C.MAKE_REFERRALS),
    })


def _actions(request, placement: Placement) -> list[dict]:
    """What this member can do next on the placement page."""
    org, m = request.organisation, request.membership
    kw = {"org": org.slug, "pk": placement.pk}
    actions = []
    state = placement.state
    if org.is_school:
        if state == State.DRAFT and m.can(C.MAKE_REFERRALS) and not placement.referral.submitted_at:
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


def _referral_url(request, placement: Placement) -> str:
    """Where "Read the referral" goes for this member, or "" when no referral page lets them in:
    the author continues a draft on check-your-answers; school and provider readers read it."""
    kw = {"org": request.organisation.slug, "pk": placement.pk}
    if request.organisation.kind not in (K.SCHOOL, K.PROVIDER):
        return ""
    if request.organisation.is_school and placement.state == State.DRAFT and request.membership.can(C.MAKE_REFERRALS):
        return reverse("placements:referral_check", kwargs=kw)
    return reverse("placements:referral_detail", kwargs=kw)


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
        "actions": _actions(request, placement),  # the timeline: {% placement_timeline %} (monitoring)
        "is_school": is_school, "is_provider": request.organisation.is_provider,
        "assessment_status": rules.initial_assessment_status(
            due=placement.initial_assessment_due, done_on=placement.initial_assessment_done_on, on=today),
        "needs_destination": placement.state in (*IN_AP_STATES, State.ENDED)
        and rules.needs_destination(year_group=placement.pupil.year_group, destination=placement.destination),
        "parental": (ParentalAgreement.objects.filter(placement=placement).select_related("recorded_by")
                     if is_school else None),
        "full_time": selectors.full_time_for(placement, agreement) if agreement else None,
        "slas": placement.slas.order_by("-version") if request.membership.can(C.VIEW_AGREEMENTS) else None,
        "status": selectors.placement_status(placement),
        "referral_url": _referral_url(request, placement),
    }
    audit_request(request, action=AuditAction.VIEW, obj=placement)
    return render(request, "placements/placement_detail.html", ctx)
