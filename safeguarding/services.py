"""Writes: record an incident (opening an emergency review when the SLA's number is reached), close
a review, raise a safeguarding concern, share it with one person and stop sharing it.

Emails say what happened and where, never a pupil's name or any detail of the record."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from apcommission import clock
from apcommission.errors import Refusal
from notifications.services import notify
from placements import lifecycle
from placements.models import Placement
from placements.models.choices import IN_AP_STATES, State
from slas.selectors import sla_terms_for
from tenancy.models import AuditAction, Organisation
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R
from tenancy.services import audit_record

from . import rules
from .models import EmergencyReview, Incident, IncidentKind, SafeguardingConcern

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
        try:
            locked = Placement.objects.select_for_update(of=("self",)).select_related("school", "provider").get(
                pk=placement.pk)
        except Placement.DoesNotExist as exc:
            raise Refusal("There is no such placement for this organisation") from exc
        if locked.state not in IN_AP_STATES:
            raise Refusal("Incidents are recorded while the pupil attends the placement")
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
    if placement.state in lifecycle.TRANSITIONS[lifecycle.Transition.EMERGENCY_REVIEW].sources:
        lifecycle.transition(placement=placement, name=lifecycle.Transition.EMERGENCY_REVIEW, by=by,
                             organisation=organisation, now=now,
                             note=f"{count} behaviour incidents reached the SLA's number")
    return review


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
                  ip_address: str | None = None) -> None:
    """A DSL shares this one concern with one person (a django-guardian object permission); audited."""
    from .selectors import share_candidates

    if user.pk not in {m.user_id for m in share_candidates(concern)}:
        raise Refusal("Choose someone from the list")
    assign_perm(VIEW_CONCERN, user, concern)
    audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=concern,
                 detail=f"Shared with {user.email}", ip_address=ip_address)


def concern_unshare(*, concern: SafeguardingConcern, user_id: int, by, organisation: Organisation,
                    ip_address: str | None = None) -> None:
    user = get_user_model().objects.get(pk=user_id)
    remove_perm(VIEW_CONCERN, user, concern)
    audit_record(organisation=organisation, user=by, action=AuditAction.REVOKE, obj=concern,
                 detail=f"Stopped sharing with {user.email}", ip_address=ip_address)
