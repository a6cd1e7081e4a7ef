"""Writes: record an incident (opening an emergency review when the SLA's number is reached, and its
overdue ladder), close a review, raise a safeguarding concern, share it with one person (who is
told) and stop sharing it; open and record a formal review; cease a placement (through the one
placement lifecycle).

Emails say what happened and where, never a pupil's name or any detail of the record."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from apcommission import clock
from apcommission.errors import Refusal
from escalation.services import escalation_resolve, escalation_start
from notifications.services import notify
from placements import lifecycle
from placements.models import Placement
from placements.models.choices import IN_AP_STATES, EndReason, State
from slas.selectors import sla_terms_for
from tenancy.models import AuditAction, Organisation
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R
from tenancy.scoping import scope
from tenancy.services import audit_record

from . import rules
from .ladders import EMERGENCY_REVIEW_OVERDUE
from .models import (
    CeaseGround,
    Ceasing,
    EmergencyReview,
    FormalReview,
    FormalReviewOutcome,
    FormalReviewSource,
    Incident,
    IncidentKind,
    SafeguardingConcern,
)

VIEW_CONCERN = "safeguarding.view_concern"
INCIDENT_FIELDS = ("occurred_at", "location", "description", "action_taken", "parent_informed", "parent_informed_at",
                   "injury", "first_aid")


class ReviewOutcome:
    CONTINUE = "continue"
    OTHER = "other"
    CHOICES = [(CONTINUE, "The placement continues with the targets agreed"),
               (OTHER, "Something else (suspend or end the placement from its page)")]


def _url(name: str, org: Organisation, pk: int) -> str:
    return reverse(f"safeguarding:{name}", kwargs={"org": org.slug, "pk": pk})


def _when(at: dt.datetime) -> str:
    local = at.astimezone(clock.LONDON)
    return f"{local:%-d %B %Y} at {local:%H:%M}"


# --- Incidents and emergency reviews --------------------------------------------------------

def _lock_in_ap(placement: Placement, not_in_ap: str) -> Placement:
    """The placement row, locked (in the caller's transaction), while the pupil is in AP."""
    try:
        locked = Placement.objects.select_for_update(of=("self",)).select_related("school", "provider").get(
            pk=placement.pk)
    except Placement.DoesNotExist as exc:
        raise Refusal("There is no such placement for this organisation") from exc
    if locked.state not in IN_AP_STATES:
        raise Refusal(not_in_ap)
    return locked


def incident_record(*, placement: Placement, kind: str, data: dict, by, organisation: Organisation,
                    now: dt.datetime) -> Incident:
    """Record an incident on a live placement (the provider); the school's AP lead is told at once.

    The placement row is locked first, so incidents recorded at the same moment are counted one
    after the other and open exactly one emergency review (the partial unique constraint on open
    reviews is the backstop). While a review is open every incident joins it."""
    if organisation.kind != K.PROVIDER:
        raise Refusal("Only the provider records incidents")
    if kind not in IncidentKind.values:
        raise Refusal("Choose the kind of incident")
    with transaction.atomic():
        locked = _lock_in_ap(placement, "Incidents are recorded while the pupil attends the placement")
        review = EmergencyReview.objects.filter(placement=locked, closed_at__isnull=True).first()
        incident = Incident(placement=locked, kind=kind, review=review, recorded_at=now, recorded_by=by,
                            recorded_by_organisation=organisation,
                            **{k: v for k, v in data.items() if k in INCIDENT_FIELDS})
        incident.full_clean()
        incident.save()
        opened = None
        if review is None and kind == IncidentKind.BEHAVIOUR:
            opened = _maybe_open_review(locked, by=by, organisation=organisation, now=now)
        transaction.on_commit(lambda: _incident_notify(incident, locked, now=now))
        if opened is not None:
            transaction.on_commit(lambda: _review_notify(opened, locked, now=now))
    return incident


def _maybe_open_review(placement: Placement, *, by, organisation, now) -> EmergencyReview | None:
    terms = sla_terms_for(school=placement.school, provider=placement.provider,
                          on=now.astimezone(clock.LONDON).date())
    unreviewed = Incident.objects.filter(placement=placement, kind=IncidentKind.BEHAVIOUR, review__isnull=True)
    count = unreviewed.count()
    if not rules.review_needed(unreviewed_behaviour_incidents=count,
                               threshold=terms.incidents_before_emergency_review, review_open=False):
        return None
    try:
        with transaction.atomic():
            review = EmergencyReview.objects.create(
                placement=placement, opened_at=now, due_on=rules.review_due_on(now.astimezone(clock.LONDON).date()),
                incident_count=count, targets=rules.DEFAULT_TARGETS)
    except IntegrityError:  # another request opened it first (the constraint is the backstop)
        return None
    Incident.objects.filter(placement=placement, review__isnull=True).update(review=review)
    review_ladder_start(review, placement, now=now)
    if placement.state in lifecycle.TRANSITIONS[lifecycle.Transition.EMERGENCY_REVIEW].sources:
        lifecycle.transition(placement=placement, name=lifecycle.Transition.EMERGENCY_REVIEW, by=by,
                             organisation=organisation, now=now,
                             note=f"{count} behaviour incidents reached the SLA's number")
    return review


def review_ladder_anchors(placement: Placement, due_on: dt.date) -> dict[str, dt.datetime]:
    """07:00 in England on the due date (the AP lead) and on the 3rd school day after it (the
    headteacher), counted in the school's own calendar (read in the school's scope)."""
    from attendance.calendar import bank_holidays, school_days

    with scope(organisation=placement.school):
        days = school_days(placement.school, due_on + dt.timedelta(days=1), due_on + dt.timedelta(days=31))
    head_on = rules.nth_school_day_after(due_on, rules.HEAD_SCHOOL_DAYS, school_days=days, holidays=bank_holidays())
    return {"due": clock.london(due_on, rules.OVERDUE_STEP_TIME), "head": clock.london(head_on, rules.OVERDUE_STEP_TIME)}


def review_ladder_start(review: EmergencyReview, placement: Placement, *, now: dt.datetime) -> None:
    """Put an open emergency review on its overdue ladder (idempotent: once per review)."""
    escalation_start(ladder=EMERGENCY_REVIEW_OVERDUE, target=review, organisation=placement.school,
                     other_organisation=placement.provider, anchors=review_ladder_anchors(placement, review.due_on),
                     now=now)


def _incident_notify(incident: Incident, placement: Placement, *, now) -> None:
    accident = incident.kind == IncidentKind.ACCIDENT
    what = "An accident" if accident else "A behaviour incident"
    notify(organisation=placement.school, roles=[R.AP_LEAD], topic="incident",
           subject=f"{'Accident' if accident else 'Behaviour incident'} at {placement.provider.name}",
           body=(f"{what} on {_when(incident.occurred_at)} was recorded by {placement.provider.name} on a "
                 "placement of yours. Sign in to read it."),
           dedupe_key=f"incident:{incident.pk}", now=now, link=_url("incident_detail", placement.school, incident.pk),
           target=incident, urgent=accident)


def _review_notify(review: EmergencyReview, placement: Placement, *, now) -> None:
    body = (f"A placement at {placement.provider.name} reached the number of behaviour incidents in its SLA. "
            f"An emergency review is due by {review.due_on:%-d %B %Y}. Sign in to see it.")
    notify(organisation=placement.school, roles=[R.AP_LEAD, R.HEADTEACHER], topic="emergency_review",
           subject="Emergency review needed", body=body, dedupe_key=f"emergency-review:{review.pk}", now=now,
           link=_url("review_detail", placement.school, review.pk), target=review, urgent=True)
    notify(organisation=placement.provider, roles=[R.PROVIDER_MANAGER], topic="emergency_review",
           subject="Emergency review needed", body=body, dedupe_key=f"emergency-review:{review.pk}", now=now,
           link=_url("review_detail", placement.provider, review.pk), target=review)


def review_close(*, review: EmergencyReview, targets: str, outcome: str, notes: str, by,
                 organisation: Organisation, now: dt.datetime) -> EmergencyReview:
    """The school closes the review with its targets and outcome; "continue" resumes the placement."""
    if organisation.kind != K.SCHOOL:
        raise Refusal("The school closes an emergency review")
    if outcome not in (ReviewOutcome.CONTINUE, ReviewOutcome.OTHER):
        raise Refusal("Choose the outcome of the review")
    with transaction.atomic():
        locked = EmergencyReview.objects.select_for_update(of=("self",)).select_related("placement").get(pk=review.pk)
        if locked.closed_at is not None:
            raise Refusal("This emergency review is already closed")
        locked.targets, locked.outcome, locked.outcome_notes = targets, outcome, notes
        locked.closed_at, locked.closed_by = now, by
        locked.save()
        escalation_resolve(ladder=EMERGENCY_REVIEW_OVERDUE, target=locked, by=by, note="Review closed.", now=now)
        placement = locked.placement
        if outcome == ReviewOutcome.CONTINUE and placement.state == State.EMERGENCY_REVIEW:
            lifecycle.transition(placement=placement, name=lifecycle.Transition.RESUME, by=by,
                                 organisation=organisation, now=now, note="after the emergency review")
    return locked


# --- Safeguarding concerns ------------------------------------------------------------------

CONCERN_FIELDS = ("occurred_at", "what", "people", "immediate_action")


def concern_raise(*, placement: Placement, data: dict, by, organisation: Organisation,
                  now: dt.datetime) -> SafeguardingConcern:
    """Raise a restricted concern; the school's DSL and the provider's DSL are told at once (urgent),
    with no pupil name and no detail."""
    if organisation.kind not in (K.SCHOOL, K.PROVIDER):
        raise Refusal("Concerns are raised by the school or the provider")
    with transaction.atomic():
        concern = SafeguardingConcern(placement=placement, raised_at=now, raised_by=by,
                                      raised_by_organisation=organisation,
                                      **{k: v for k, v in data.items() if k in CONCERN_FIELDS})
        concern.full_clean()
        concern.save()
        audit_record(organisation=organisation, user=by, action=AuditAction.CREATE, obj=concern,
                     detail="Raised a safeguarding concern")
        transaction.on_commit(lambda: _concern_notify(concern, placement, now=now))
    return concern


def _concern_notify(concern: SafeguardingConcern, placement: Placement, *, now) -> None:
    for org, role in ((placement.school, R.DSL), (placement.provider, R.PROVIDER_DSL)):
        notify(organisation=org, roles=[role], topic="safeguarding_concern", subject="Safeguarding concern raised",
               body=(f"A safeguarding concern was raised about a pupil placed at {placement.provider.name}. "
                     "Sign in to read it and decide what to do."),
               dedupe_key=f"concern:{concern.pk}", now=now, link=_url("concern_detail", org, concern.pk),
               target=concern, urgent=True)


def concern_share(*, concern: SafeguardingConcern, user, by, organisation: Organisation,
                  ip_address: str | None = None, now: dt.datetime | None = None) -> None:
    """A DSL shares this one concern with one person (a django-guardian object permission); audited.
    The person is told at once (urgent), in the organisation they were chosen from, with no pupil
    name and no detail: the link leads to the concern after signing in."""
    from .selectors import share_candidates

    now = now or clock.now()
    membership = next((m for m in share_candidates(concern) if m.user_id == user.pk), None)
    if membership is None:
        raise Refusal("Choose someone from the list")
    with transaction.atomic():
        assign_perm(VIEW_CONCERN, user, concern)
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=concern,
                     detail=f"Shared with {user.email}", ip_address=ip_address)
        transaction.on_commit(lambda: _share_notify(concern, membership, sharer=organisation, now=now))


def _share_notify(concern: SafeguardingConcern, membership, *, sharer: Organisation, now: dt.datetime) -> None:
    org = membership.organisation
    notify(organisation=org, roles=[membership.role], users=[membership.user_id], topic="safeguarding_concern_shared",
           subject="A safeguarding concern has been shared with you",
           body=(f"The safeguarding lead at {sharer.name} has shared a safeguarding concern with you. "
                 "Sign in to read it. Do not forward this email."),
           dedupe_key=f"concern-share:{concern.pk}:{membership.user_id}:{now.isoformat()}", now=now,
           link=_url("concern_detail", org, concern.pk), target=concern, urgent=True)


def concern_unshare(*, concern: SafeguardingConcern, user_id: int, by, organisation: Organisation,
                    ip_address: str | None = None) -> None:
    user = get_user_model().objects.get(pk=user_id)
    remove_perm(VIEW_CONCERN, user, concern)
    audit_record(organisation=organisation, user=by, action=AuditAction.REVOKE, obj=concern,
                 detail=f"Stopped sharing with {user.email}", ip_address=ip_address)


# --- Formal reviews (seed 002 "Monitoring") --------------------------------------------------

FORMAL_MEETING_FIELDS = ("held_on", "school_attendees", "pupil_attended", "parents_attended", "provider_attended",
                         "provider_attendees", "outcome", "new_targets", "notes")


def formal_review_open(*, placement: Placement, reason: str, by, now: dt.datetime,
                       organisation: Organisation | None = None, source: str = FormalReviewSource.SCHOOL,
                       source_id: int | None = None) -> FormalReview:
    """Open a formal review of a placement whose progress is unsatisfactory: by the school (a member
    with `record_visits`), or from a review meeting marked unsatisfactory (monitoring calls this with
    `source=FormalReviewSource.REVIEW_MEETING` and the meeting's id). Each one opened counts as one
    unsatisfactory review of the placement.

    A reason is required and the pupil must be in AP. While one is open a second is not opened: the
    open one is returned unchanged (a meeting found unsatisfactory during a formal review joins it).
    The school's AP lead and headteacher and the provider's managers are told (no pupil name)."""
    organisation = organisation or placement.school
    if organisation.kind != K.SCHOOL:
        raise Refusal("The school opens a formal review")
    if not (reason or "").strip():
        raise Refusal("Enter why the pupil's progress is unsatisfactory")
    if source not in FormalReviewSource.values:
        raise Refusal("There is no such source of a formal review")
    with transaction.atomic():
        locked = _lock_in_ap(placement, "A formal review is held while the pupil attends the placement")
        existing = FormalReview.objects.filter(placement=locked, closed_at__isnull=True).first()
        if existing is not None:
            return existing
        review = FormalReview.objects.create(placement=locked, reason=reason.strip(), source=source,
                                             source_id=source_id, opened_at=now,
                                             opened_by=by if getattr(by, "is_authenticated", False) else None)
        audit_record(organisation=organisation, user=by if getattr(by, "is_authenticated", False) else None,
                     action=AuditAction.CREATE, obj=review, detail="Opened a formal review")
        transaction.on_commit(lambda: _formal_notify(review, locked, now=now))
    return review


def _formal_notify(review: FormalReview, placement: Placement, *, now) -> None:
    body = (f"Progress on a placement at {placement.provider.name} is unsatisfactory and a formal review has been "
            "opened. Arrange the meeting with school leaders, the pupil, their parents or carers and the provider. "
            "Sign in to see it.")
    for org, roles in ((placement.school, [R.AP_LEAD, R.HEADTEACHER]), (placement.provider, [R.PROVIDER_MANAGER])):
        notify(organisation=org, roles=roles, topic="formal_review", subject="Formal review of a placement",
               body=body, dedupe_key=f"formal-review:{review.pk}", now=now,
               link=_url("formal_detail", org, review.pk), target=review)


def formal_review_record(*, review: FormalReview, data: dict, by, organisation: Organisation,
                         now: dt.datetime) -> FormalReview:
    """The school records the meeting (date, who attended, outcome, new targets) and closes the
    review. "Cease" closes it too: ceasing itself is a separate step through the lifecycle."""
    if organisation.kind != K.SCHOOL:
        raise Refusal("The school records the formal review")
    if data.get("outcome") not in FormalReviewOutcome.values:
        raise Refusal("Choose the outcome of the formal review")
    if data.get("held_on") is None:
        raise Refusal("Enter the date of the formal review meeting")
    if data["held_on"] > now.astimezone(clock.LONDON).date():
        raise Refusal("The date of the formal review meeting must be today or in the past")
    if data["outcome"] != FormalReviewOutcome.CEASE and not (data.get("new_targets") or "").strip():
        raise Refusal("Enter the targets agreed at the formal review")
    with transaction.atomic():
        locked = FormalReview.objects.select_for_update(of=("self",)).get(pk=review.pk)
        if locked.closed_at is not None:
            raise Refusal("This formal review has already been recorded")
        for name in FORMAL_MEETING_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        locked.closed_at, locked.closed_by = now, by
        locked.full_clean()
        locked.save()
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=locked,
                     detail=f"Recorded the formal review: {locked.get_outcome_display()}")
    return locked


# --- Ceasing (seed 002 "Ceasing") -------------------------------------------------------------

def placement_cease(*, placement: Placement, ground: str, reason: str, destination: str, destination_details: str = "",
                    ended_on: dt.date | None = None, by, organisation: Organisation, now: dt.datetime) -> Placement:
    """Cease a placement through the one lifecycle (placements.services.placement_end), with its
    reason and destination.

    * ground "progress": only once the agreed number of unsatisfactory (formal) reviews is reached
      or the last formal review decided to cease (selectors.cease_offer);
    * ground "danger": at once, no formal review needed, but a reason is; the school's DSL and the
      provider's safeguarding lead are told (urgent, no name, no detail).

    Whatever the lifecycle refuses (wrong state, a missing date or reason) is refused here too and
    nothing is written. An open formal review closes as "cease", an open emergency review closes and
    its overdue ladder stops."""
    from placements.services import placement_end

    from .selectors import cease_offer

    if ground not in CeaseGround.values:
        raise Refusal("Select why the placement is ceased")
    if not (reason or "").strip():
        raise Refusal("Enter the reason for ceasing the placement")
    if not destination:
        raise Refusal("Select the pupil's next destination")
    offer = cease_offer(placement)
    if ground == CeaseGround.PROGRESS and not offer.offered:
        raise Refusal(f"Hold a formal review first: {offer.count} of the {offer.agreed} unsatisfactory reviews agreed "
                      "before a placement is ceased for lack of progress. If the pupil is in danger, cease it at once.")
    end_reason = EndReason.CEASED_SAFETY if ground == CeaseGround.DANGER else EndReason.CEASED_PROGRESS
    with transaction.atomic():
        ended = placement_end(placement=placement, by=by, organisation=organisation, now=now, data={
            "ended_on": ended_on or now.astimezone(clock.LONDON).date(), "end_reason": end_reason,
            "destination": destination, "destination_details": destination_details})
        open_formal = FormalReview.objects.filter(placement=ended, closed_at__isnull=True).first()
        if open_formal is not None:
            open_formal.outcome, open_formal.closed_at, open_formal.closed_by = FormalReviewOutcome.CEASE, now, by
            open_formal.save(update_fields=["outcome", "closed_at", "closed_by"])
        for review in EmergencyReview.objects.filter(placement=ended, closed_at__isnull=True):
            review.outcome, review.outcome_notes = ReviewOutcome.OTHER, "The placement was ceased."
            review.closed_at, review.closed_by = now, by
            review.save(update_fields=["outcome", "outcome_notes", "closed_at", "closed_by"])
            escalation_resolve(ladder=EMERGENCY_REVIEW_OVERDUE, target=review, by=by, note="Placement ceased.",
                               now=now)
        ceasing = Ceasing.objects.create(placement=ended, ground=ground, reason=reason.strip(),
                                         formal_review=offer.last, unsatisfactory_reviews=offer.count,
                                         ceased_at=now, ceased_by=by)
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=ceasing,
                     detail=f"Ceased the placement: {ceasing.get_ground_display()}")
        if ground == CeaseGround.DANGER:
            transaction.on_commit(lambda: _danger_notify(ended, now=now))
    return ended


def _danger_notify(placement: Placement, *, now) -> None:
    for org, role in ((placement.school, R.DSL), (placement.provider, R.PROVIDER_DSL)):
        notify(organisation=org, roles=[role], topic="placement_ceased_danger",
               subject="A placement was ceased because the pupil may be in danger",
               body=(f"{placement.school.name} ceased a placement at {placement.provider.name} at once because the "
                     "pupil is likely to be in danger. Sign in to see the placement and act on it."),
               dedupe_key=f"ceased-danger:{placement.pk}", now=now,
               link=reverse("placements:placement_detail", kwargs={"org": org.slug, "pk": placement.pk}),
               target=placement, urgent=True)
