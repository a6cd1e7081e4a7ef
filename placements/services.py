"""Writes for pupils, referrals, agreements and placements. Views call one service each.

State changes go through placements.lifecycle.transition; everything else here keeps the
timeline (PlacementEvent) and notifications in step.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from escalation.services import Start, escalation_resolve, escalation_start_many
from notifications.services import notify
from tenancy.models import Membership
from tenancy.roles import Role

from . import lifecycle, rules, signals
from .ladders import INITIAL_ASSESSMENT
from .lifecycle import Transition
from .models import (
    SCHOOL_INTERNAL_EVENT_KINDS,
    CommissioningAgreement,
    EventAudience,
    EventKind,
    OtherAgency,
    ParentalAgreement,
    ParentCarer,
    Placement,
    PlacementEvent,
    Pupil,
    PupilSensitive,
    Referral,
    State,
    Target,
    TimetableSession,
)
from .referral_sections import DEFAULT_SHARED, send_problems

PUPIL_FIELDS = ("first_name", "middle_names", "last_name", "preferred_name", "date_of_birth", "upn", "year_group",
                "gender", "first_language", "address", "free_school_meals")


def _event(placement: Placement, *, kind: str, summary: str, by, organisation, now: dt.datetime) -> PlacementEvent:
    return PlacementEvent.objects.create(
        placement=placement, at=now, by=by if getattr(by, "is_authenticated", False) else None,
        by_organisation=organisation, kind=kind, summary=summary[:300],
        audience=EventAudience.SCHOOL if kind in SCHOOL_INTERNAL_EVENT_KINDS else EventAudience.SHARED,
    )


def _link(org, placement: Placement) -> str:
    return reverse("placements:placement_detail", kwargs={"org": org.slug, "pk": placement.pk})


# --- Pupils -------------------------------------------------------------------------------

def pupil_create(*, school, data: dict) -> Pupil:
    pupil = Pupil(school=school, **{k: v for k, v in data.items() if k in PUPIL_FIELDS})
    pupil.full_clean()
    pupil.save()
    return pupil


def pupil_update(*, pupil: Pupil, data: dict) -> Pupil:
    for key in PUPIL_FIELDS:
        if key in data:
            setattr(pupil, key, data[key])
    pupil.full_clean()
    pupil.save()
    return pupil


def pupil_sensitive_save(*, pupil: Pupil, data: dict) -> PupilSensitive:
    sensitive = PupilSensitive.objects.filter(pupil=pupil).first() or PupilSensitive(pupil=pupil)
    for key, value in data.items():
        setattr(sensitive, key, value)
    if not sensitive.child_protection:
        sensitive.child_protection_category = ""
    sensitive.full_clean()
    sensitive.save()
    return sensitive


def parent_carer_add(*, pupil: Pupil, data: dict) -> ParentCarer:
    parent = ParentCarer(pupil=pupil, **data)
    parent.full_clean()
    parent.save()
    return parent


def agency_add(*, pupil: Pupil, data: dict) -> OtherAgency:
    agency = OtherAgency(pupil=pupil, **data)
    agency.full_clean()
    agency.save()
    return agency


def parent_carer_remove(*, parent: ParentCarer) -> None:
    parent.delete()


def agency_remove(*, agency: OtherAgency) -> None:
    agency.delete()


# --- Referrals ----------------------------------------------------------------------------

@transaction.atomic
def referral_start(*, school, pupil: Pupil, provider, registration_code: str, by, now: dt.datetime,
                   dual_school_name: str = "", dual_school_urn: str = "") -> Placement:
    """A draft referral of `pupil` to `provider` (code D names the other school the pupil is on the roll of)."""
    from . import provider_checks

    problem = provider_checks.suspended_problem(school=school, provider=provider)
    if problem:
        raise ValidationError({"provider": problem})
    placement = Placement(school=school, pupil=pupil, provider=provider, registration_code=registration_code,
                          dual_school_name=dual_school_name.strip(), dual_school_urn=dual_school_urn.strip(),
                          created_by=by)
    placement.full_clean()
    placement.save()
    Referral.objects.create(placement=placement, shared_sections=list(DEFAULT_SHARED))
    _event(placement, kind=EventKind.REFERRAL, summary=f"Referral to {provider.name} started", by=by,
           organisation=school, now=now)
    return placement


def _check_draft(referral: Referral) -> None:
    if referral.placement.state != State.DRAFT:
        raise ValidationError("This referral has been sent and can no longer be changed.")


def referral_save(*, referral: Referral, data: dict) -> Referral:
    """Save one question page's answers (a draft may be incomplete)."""
    _check_draft(referral)
    for key, value in data.items():
        setattr(referral, key, value)
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_submit(*, referral: Referral, by, organisation, now: dt.datetime) -> Referral:
    """The AP lead sends the completed referral to the headteacher for a decision."""
    _check_draft(referral)
    problems = send_problems(referral)
    if problems:
        raise ValidationError(problems)
    referral.submitted_at, referral.submitted_by = now, by
    referral.save(update_fields=["submitted_at", "submitted_by", "updated_at"])
    placement = referral.placement
    _event(placement, kind=EventKind.REFERRAL, summary="Referral sent to the headteacher for a decision", by=by,
           organisation=organisation, now=now)
    transaction.on_commit(lambda: notify(
        organisation=organisation, roles=[Role.HEADTEACHER], topic="referral_decision",
        subject="A referral is waiting for your decision",
        body=f"A referral to {placement.provider.name} needs the headteacher's approval before it is sent.",
        dedupe_key=f"referral-decision:{placement.pk}:{now.isoformat()}", now=now, link=_link(organisation, placement),
    ))
    return referral


@transaction.atomic
def referral_decide(*, placement: Placement, approve: bool, consulted: dict, notes: str, by, organisation,
                    now: dt.datetime) -> Placement:
    """The headteacher's decision (seed 002): record who was consulted; approving sends the referral.

    If the referral cannot be sent (a guard fails) nothing is recorded.
    """
    referral = Referral.objects.select_for_update().get(pk=placement.referral.pk)
    _check_draft(referral)
    if referral.submitted_at is None:
        raise ValidationError("The referral has not been sent for a decision.")
    for key in ("consulted_pupil", "consulted_parents", "consulted_teacher", "consulted_professionals",
                "professionals_consulted"):
        setattr(referral, key, consulted.get(key, getattr(referral, key)))
    referral.decision_notes = notes
    if approve:
        referral.approved_at, referral.approved_by = now, by
        referral.save()
        return lifecycle.transition(placement=placement, name=Transition.REFER, by=by, organisation=organisation,
                                    now=now, note=f"approved by the headteacher and sent to {placement.provider.name}")
    referral.submitted_at = None
    referral.save()
    _event(placement, kind=EventKind.REFERRAL, summary="Headteacher did not approve the referral", by=by,
           organisation=organisation, now=now)
    transaction.on_commit(lambda: notify(
        organisation=organisation, roles=[Role.AP_LEAD], topic="referral_decision",
        subject="The headteacher did not approve a referral",
        body="The referral is back in draft. Read the headteacher's notes on the referral.",
        dedupe_key=f"referral-not-approved:{placement.pk}:{now.isoformat()}", now=now,
        link=_link(organisation, placement),
    ))
    return placement


def provider_respond(*, placement: Placement, accept: bool, reason: str, by, organisation,
                     now: dt.datetime) -> Placement:
    if accept:
        with transaction.atomic():
            accepted = lifecycle.transition(placement=placement, name=Transition.ACCEPT, by=by,
                                            organisation=organisation, now=now)
            initial_assessment_ladder_start(placement=accepted, now=now)
        return accepted
    return lifecycle.transition(placement=placement, name=Transition.DECLINE, by=by, organisation=organisation,
                                now=now, changes={"decline_reason": reason})


def initial_assessment_ladder_start(*, placement: Placement, now: dt.datetime) -> None:
    """Put an accepted placement on the "initial_assessment" ladder (placements/ladders.py): the
    provider's managers hear when it is due soon and when it is overdue, unless it is recorded first."""
    escalation_start_many(
        ladder=INITIAL_ASSESSMENT, target_model=Placement, now=now,
        starts=[Start(target_id=placement.pk, organisation_id=placement.school_id,
                      other_organisation_id=placement.provider_id,
                      anchors=rules.initial_assessment_reminder_times(placement.initial_assessment_due))])


@transaction.atomic
def initial_assessment_record(*, placement: Placement, done_on: dt.date, summary: str, by, organisation,
                              now: dt.datetime) -> Placement:
    locked = Placement.objects.select_for_update(of=("self",)).get(pk=placement.pk)
    if locked.state in (State.DRAFT, State.REFERRED, State.DECLINED, State.ENDED):
        raise ValidationError("Record the initial assessment once the referral is accepted.")
    Placement.objects.filter(pk=locked.pk).update(initial_assessment_done_on=done_on,
                                                  initial_assessment_summary=summary)
    escalation_resolve(ladder=INITIAL_ASSESSMENT, target=locked, by=by, note="Initial assessment recorded.", now=now)
    _event(locked, kind=EventKind.ASSESSMENT, summary=f"Initial assessment of needs completed on {done_on:%-d %B %Y}",
           by=by, organisation=organisation, now=now)
    locked.refresh_from_db()
    return locked


# --- Commissioning agreement --------------------------------------------------------------

AGREEMENT_FIELDS = (
    "rationale", "pupil_profile", "baseline", "assessment_method", "accreditation_aim", "accreditation_level",
    "personal_social_wellbeing", "safeguarding_shared", "safeguarding_reporting", "dsl_details", "careers_plan",
    "access_arrangements", "start_date", "planned_end_date", "review_date", "home_school_hours", "change_summary",
    "school_lead", "set_up_visit_on", "next_visit_on", "effective_from",
)
# What a new version copies from the agreed one: not its change summary, nor the date it takes
# effect from (the school chooses that for each later version).
COPIED_FIELDS = tuple(f for f in AGREEMENT_FIELDS if f not in ("change_summary", "effective_from"))
AGREEMENT_STATES = (State.ACCEPTED, State.AGREED, State.ACTIVE, State.EMERGENCY_REVIEW, State.SUSPENDED)


@transaction.atomic
def agreement_draft(*, placement: Placement, by, now: dt.datetime) -> CommissioningAgreement:
    """The version to edit: the unagreed latest one, or a new version copied from the agreed one."""
    if placement.state not in AGREEMENT_STATES:
        raise ValidationError("The agreement is written once the provider has accepted the referral.")
    latest = (CommissioningAgreement.objects.select_for_update(of=("self",)).filter(placement=placement)
              .order_by("-version").first())
    if latest is not None and not latest.is_agreed:
        return latest
    if latest is None:
        return CommissioningAgreement.objects.create(placement=placement, version=1, created_at=now, created_by=by)
    copy = CommissioningAgreement.objects.create(
        placement=placement, version=latest.version + 1, created_at=now, created_by=by,
        **{f: getattr(latest, f) for f in COPIED_FIELDS},
    )
    Target.objects.bulk_create(Target(agreement=copy, target=t.target, support_from_school=t.support_from_school,
                                      support_from_provider=t.support_from_provider, order=t.order)
                               for t in latest.targets.all())
    TimetableSession.objects.bulk_create(TimetableSession(agreement=copy, weekday=s.weekday, part=s.part,
                                                          start_time=s.start_time, end_time=s.end_time, site=s.site)
                                         for s in latest.sessions.all())
    return copy


def _unsign(agreement: CommissioningAgreement) -> None:
    """A change to a version invalidates any agreement to it so far."""
    if agreement.is_agreed:
        raise ValidationError("An agreed version cannot be changed: start a new version.")
    CommissioningAgreement.objects.filter(pk=agreement.pk).update(
        school_agreed_at=None, school_agreed_by=None, provider_agreed_at=None, provider_agreed_by=None)
    agreement.school_agreed_at = agreement.provider_agreed_at = None
    agreement.school_agreed_by = agreement.provider_agreed_by = None


@transaction.atomic
def agreement_save(*, agreement: CommissioningAgreement, data: dict) -> CommissioningAgreement:
    _unsign(agreement)
    lead_before = agreement.school_lead_id
    for key in AGREEMENT_FIELDS:
        if key in data:
            setattr(agreement, key, data[key])
    # A newly named lead must work at the school (the school names them, in its own scope).
    if agreement.school_lead_id not in (None, lead_before) and not Membership.objects.filter(
            user_id=agreement.school_lead_id, organisation_id=agreement.placement.school_id, is_active=True).exists():
        raise ValidationError({"school_lead": "Choose a member of staff at the school"})
    agreement.full_clean()
    agreement.save()
    return agreement


@transaction.atomic
def target_add(*, agreement: CommissioningAgreement, data: dict) -> Target:
    _unsign(agreement)
    target = Target(agreement=agreement, order=agreement.targets.count() + 1, **data)
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def target_remove(*, target: Target) -> None:
    _unsign(target.agreement)
    target.delete()


@transaction.atomic
def session_add(*, agreement: CommissioningAgreement, data: dict) -> TimetableSession:
    _unsign(agreement)
    session = TimetableSession(agreement=agreement, **data)
    if rules.session_clash(agreement.sessions.all(), weekday=session.weekday, part=session.part):
        raise ValidationError({"part": f"There is already a session on {session.get_weekday_display()} then: "
                                       "remove it first, or choose another day or half"})
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_remove(*, session: TimetableSession) -> None:
    _unsign(session.agreement)
    session.delete()


@transaction.atomic
def agreement_agree(*, agreement: CommissioningAgreement, by, organisation, now: dt.datetime) -> CommissioningAgreement:
    """One side agrees this version. When both have, it becomes the placement's current agreement.

    The first agreed version moves the placement from accepted to agreed (lifecycle guards: the
    timetable, the start date and the provider-registration test); later versions must pass the
    same checks. Raises lifecycle.TransitionBlocked / ValidationError and records nothing if not.
    """
    from apcommission import clock

    from .selectors import agreement_problems, full_time_for

    agreement = CommissioningAgreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
    placement = Placement.objects.select_related("pupil", "provider", "school").get(pk=agreement.placement_id)
    if placement.state not in AGREEMENT_STATES:
        raise ValidationError("This placement's agreement can no longer be changed.")
    if agreement.is_agreed:
        raise ValidationError("This version has already been agreed by both sides.")
    on = now.astimezone(clock.LONDON).date()
    problems = agreement_problems(placement=placement, agreement=agreement, on=on)
    if problems:
        raise lifecycle.TransitionBlocked(problems)
    side = "school" if organisation.is_school else "provider"
    setattr(agreement, f"{side}_agreed_at", now)
    setattr(agreement, f"{side}_agreed_by", by)
    agreement.save(update_fields=[f"{side}_agreed_at", f"{side}_agreed_by"])
    _event(placement, kind=EventKind.AGREEMENT,
           summary=f"Commissioning agreement version {agreement.version} agreed by {organisation.name}",
           by=by, organisation=organisation, now=now)
    if not agreement.is_agreed:
        other = placement.provider if organisation.is_school else placement.school
        transaction.on_commit(lambda: notify(
            organisation=other, roles=[Role.PROVIDER_MANAGER] if organisation.is_school else [Role.AP_LEAD],
            topic="agreement", subject="A commissioning agreement is waiting for you to agree it",
            body=f"{organisation.name} has agreed version {agreement.version} of a commissioning agreement.",
            dedupe_key=f"agreement:{agreement.pk}:{side}", now=now, link=_link(other, placement),
        ))
        return agreement
    # Both sides agree: this version is current (a stored pointer), version 1 takes effect from its
    # start date, and what lists and the LA need is copied onto the placement.
    if agreement.version == 1 and agreement.effective_from is None:
        agreement.effective_from = agreement.start_date
        agreement.save(update_fields=["effective_from"])
    check = full_time_for(placement, agreement)
    Placement.objects.filter(pk=placement.pk).update(
        start_date=agreement.start_date, planned_end_date=agreement.planned_end_date,
        weekly_hours=check.placement_hours, total_weekly_hours=check.total, part_time=check.part_time,
        current_agreement=agreement,
    )
    signals.schedule_changed([placement.pk], now=now)
    if placement.state == State.ACCEPTED:
        lifecycle.transition(placement=placement, name=Transition.AGREE, by=by, organisation=organisation, now=now,
                             note=f"commissioning agreement version {agreement.version}")
    return agreement


# --- Parents, start, status, end ----------------------------------------------------------

@transaction.atomic
def parental_agreement_record(*, placement: Placement, data: dict, by, organisation,
                              now: dt.datetime) -> ParentalAgreement:
    if placement.state in (State.DRAFT, State.DECLINED, State.ENDED):
        raise ValidationError("Record the parents' agreement once the referral has been sent.")
    record = ParentalAgreement(placement=placement, recorded_by=by, recorded_at=now, **data)
    record.full_clean()
    record.save()
    _event(placement, kind=EventKind.PARENTAL,
           summary=f"Parents' or carers' agreement recorded (signed {record.signed_on:%-d %B %Y})",
           by=by, organisation=organisation, now=now)
    return record


def placement_start(*, placement: Placement, by, organisation, now: dt.datetime) -> Placement:
    return lifecycle.transition(placement=placement, name=Transition.START, by=by, organisation=organisation,
                                now=now)


def placement_change_status(*, placement: Placement, name: str, note: str, by, organisation,
                            now: dt.datetime) -> Placement:
    if name not in (Transition.EMERGENCY_REVIEW, Transition.SUSPEND, Transition.RESUME):
        raise lifecycle.TransitionNotAllowed(f"{name} is not a status change")
    return lifecycle.transition(placement=placement, name=name, by=by, organisation=organisation, now=now, note=note)


@transaction.atomic
def placement_end(*, placement: Placement, data: dict, by, organisation, now: dt.datetime) -> Placement:
    ended = lifecycle.transition(placement=placement, name=Transition.END, by=by, organisation=organisation,
                                 now=now, changes=data, note=f"{data.get('end_reason', '')}".replace("_", " "))
    # An ended placement owes no initial assessment: its reminders stop.
    escalation_resolve(ladder=INITIAL_ASSESSMENT, target=ended, by=by, note="Placement ended.", now=now)
    return ended


@transaction.atomic
def destination_record(*, placement: Placement, destination: str, details: str, by, organisation,
                       now: dt.datetime) -> Placement:
    locked = Placement.objects.select_for_update(of=("self",)).get(pk=placement.pk)
    locked.destination, locked.destination_details = destination, details
    locked.full_clean(validate_unique=False)
    Placement.objects.filter(pk=locked.pk).update(destination=destination, destination_details=details)
    _event(locked, kind=EventKind.DESTINATION, summary=f"Destination recorded: {locked.get_destination_display()}",
           by=by, organisation=organisation, now=now)
    return locked


# --- Notifications ------------------------------------------------------------------------

def transition_notify(*, placement: Placement, name: str, now: dt.datetime) -> None:
    """Tell the people who act next. Subjects never name the pupil (emails leave the service)."""
    school, provider = placement.school, placement.provider
    messages = {
        Transition.REFER: [(provider, [Role.PROVIDER_MANAGER], f"New referral from {school.name}",
                            "Read the referral and accept or decline it.")],
        Transition.ACCEPT: [(school, [Role.AP_LEAD, Role.HEADTEACHER], f"{provider.name} accepted a referral",
                             "Write the commissioning agreement with the provider.")],
        Transition.DECLINE: [(school, [Role.AP_LEAD, Role.HEADTEACHER], f"{provider.name} declined a referral",
                              "Read the provider's reason on the placement page.")],
        Transition.AGREE: [(school, [Role.AP_LEAD], "A commissioning agreement has been agreed",
                            "Record the parents' agreement, then start the placement on its start date."),
                           (provider, [Role.PROVIDER_MANAGER], "A commissioning agreement has been agreed",
                            "The placement will start on the agreed start date.")],
        Transition.START: [(provider, [Role.PROVIDER_MANAGER], f"A placement from {school.name} has started",
                            "Registers for its sessions will appear on your dashboard.")],
        Transition.EMERGENCY_REVIEW: [(school, [Role.AP_LEAD, Role.DSL], "An emergency review has been called",
                                       "Read the placement page and arrange the review."),
                                      (provider, [Role.PROVIDER_MANAGER], "An emergency review has been called",
                                       "Read the placement page and arrange the review.")],
        Transition.SUSPEND: [(provider, [Role.PROVIDER_MANAGER], "A placement has been suspended",
                              "The pupil should not attend until the school resumes the placement.")],
        Transition.RESUME: [(provider, [Role.PROVIDER_MANAGER], "A placement has resumed", "The pupil attends again.")],
        Transition.END: [(provider, [Role.PROVIDER_MANAGER], "A placement has ended",
                          "The school has ended the placement.")],
    }
    for org, roles, subject, body in messages.get(name, []):
        notify(organisation=org, roles=roles, topic=f"placement_{name}", subject=subject, body=body,
               dedupe_key=f"placement:{placement.pk}:{name}:{now.isoformat()}", now=now, link=_link(org, placement))
    la = school.local_authority
    if name == Transition.START and la is not None:
        # Schools always tell the LA when they commission AP (DOMAIN.md §2).
        notify(organisation=la, roles=[Role.AP_OFFICER], topic="placement_started",
               subject=f"{school.name} has started an alternative provision placement",
               body=f"A pupil from {school.name} started at {provider.name}. See children in AP in your area.",
               dedupe_key=f"placement:{placement.pk}:la-start", now=now,
               link=reverse("oversight:area_list", kwargs={"org": la.slug}))
