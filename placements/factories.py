"""Factories for pupils and placements.

`placement_in_state` builds a placement in any state by running the lifecycle through the real
services (placements.services, placements.lifecycle), each step taken by the right role's member
of the right organisation, in that organisation's scope, with the clock set to the step's time.
Guards run and every derived field (initial assessment due date, weekly hours, part time, …) comes
from the services, so tests, the isolation harness and the demo cannot drift from the real rules.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.db import transaction
from stdnum.gb import upn as stdnum_upn

from apcommission import clock
from providers.api import suitability_signoff_current
from providers.factories import suitability_signed_off
from tenancy.factories import MembershipFactory, OrganisationFactory, ScopedFactory
from tenancy.models import Membership
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from . import services
from .lifecycle import END_FIELDS, Transition
from .models import (
    ContactRole,
    EndReason,
    Frequency,
    ParentalAgreementMethod,
    ParentCarer,
    Placement,
    Pupil,
    PupilSensitive,
    Referral,
    State,
    Transport,
)
from .models.choices import RISK_INDICATORS, RegistrationCode, SessionPart
from .referral_sections import DEFAULT_SHARED


def make_upn(n: int) -> str:
    body = f"801201{n:06d}"[:12]
    return stdnum_upn.calc_check_digit(body) + body


class PupilFactory(ScopedFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(OrganisationFactory)
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(2011, 5, 1)
    upn = factory.Sequence(make_upn)
    year_group = 10


class PupilSensitiveFactory(ScopedFactory):
    class Meta:
        model = PupilSensitive

    pupil = factory.SubFactory(PupilFactory)


class ParentCarerFactory(ScopedFactory):
    class Meta:
        model = ParentCarer

    pupil = factory.SubFactory(PupilFactory)
    name = factory.Faker("name", locale="en_GB")
    relationship = "Mother"
    phone = "07700 900123"


def complete_referral_data() -> dict:
    """Answers to every question page (a referral ready to send)."""
    return {
        "reason": "Persistent disengagement in lessons; at risk of suspension. A vocational course may re-engage him.",
        "attendance_this_year": Decimal("78.5"), "attendance_last_year": Decimal("85.0"),
        "attendance_two_years_ago": Decimal("91.2"), "attendance_factors": "Anxiety on Monday mornings.",
        "school_contacts": {
            ContactRole.MAIN: {"name": "Daniel Price", "position": "AP lead", "email": "ap@school.example"},
            ContactRole.DSL: {"name": "Grace Mensah", "position": "DSL", "email": "dsl@school.example"},
        },
        "transport": Transport.PARENT_CARER, "transport_carer_name": "Parent", "transport_carer_phone": "07700 900123",
        "recent_eha": False, "violence_history": False, "significant_harm": False, "substance_misuse": False,
        "risk_assessment_in_place": True,
        "risk_indicators": {key: Frequency.NEVER for key, _ in RISK_INDICATORS},
        "attending_mainstream": True, "other_ap": False,
        "subjects": [{"key": "english", "subject": "English", "specification": "GCSE English Language",
                      "delivered_by": "School", "target_grade": "5", "current_grade": "3"},
                     {"key": "maths", "subject": "Maths", "specification": "GCSE Maths",
                      "delivered_by": "School", "target_grade": "4", "current_grade": "3"}],
        "strengths_interests": "Practical, good with engines, plays football.",
        "parents_aware": True, "parents_views": "Supportive.", "pupil_aware": True, "pupil_views": "Keen.",
        "attitude": "Works well one to one; struggles in large groups.",
        "shared_sections": list(DEFAULT_SHARED), "share_basis": "consent",
        "consulted_pupil": True, "consulted_parents": True, "consulted_teacher": True,
    }


# How a placement reaches each state: the lifecycle steps after the referral is started and filled.
REFER, DECLINE, ACCEPT, ASSESS, AGREE, PARENTS, START = "refer", "decline", "accept", "assess", "agree", "parents", "start"
_AGREED_PATH = (REFER, ACCEPT, ASSESS, AGREE, PARENTS)
PATHS: dict[str, tuple[str, ...]] = {
    State.DRAFT: (),
    State.REFERRED: (REFER,),
    State.DECLINED: (REFER, DECLINE),
    State.ACCEPTED: (REFER, ACCEPT),
    State.AGREED: _AGREED_PATH,
    State.ACTIVE: (*_AGREED_PATH, START),
    State.EMERGENCY_REVIEW: (*_AGREED_PATH, START, Transition.EMERGENCY_REVIEW),
    State.SUSPENDED: (*_AGREED_PATH, START, Transition.SUSPEND),
    State.ENDED: (*_AGREED_PATH, START, Transition.END),
}
DECLINE_REASON = "We have no places on the motor vehicle course until spring."
ASSESSMENT_SUMMARY = "Entry level 3 English and maths; Level 1 practical course."


@contextlib.contextmanager
def _step(moment: dt.datetime, organisation):
    """One lifecycle step: the clock reads `moment`, and queries run in `organisation`'s scope."""
    with clock.frozen(moment), scope(organisation=organisation):
        yield


@dataclass(frozen=True)
class Timeline:
    """When each step happens, relative to `now` (the placement's "today" is `now`'s date in England).

    The referral is sent 30 days ago and accepted 25 days ago; the provider assesses the pupil two
    days before the assessment is due; the agreement is agreed three days before the start (or now,
    for a placement left agreed) and the parents sign that day; the placement starts on `start`
    (default 14 days ago); status changes, a decline and the end happen now.
    """

    now: dt.datetime
    start: dt.date

    @staticmethod
    def date_of(moment: dt.datetime) -> dt.date:
        return moment.astimezone(clock.LONDON).date()

    @property
    def today(self) -> dt.date:
        return self.date_of(self.now)

    def on(self, day: dt.date) -> dt.datetime:
        """`now`'s time of day on another date."""
        return self.now + dt.timedelta(days=(day - self.today).days)

    @property
    def referred(self) -> dt.datetime:
        return self.now - dt.timedelta(days=30)

    @property
    def drafted(self) -> dt.datetime:
        return self.referred - dt.timedelta(days=2)

    @property
    def accepted(self) -> dt.datetime:
        return self.now - dt.timedelta(days=25)

    def agreed(self, state: str) -> dt.datetime:
        return self.now if state == State.AGREED else min(self.now, self.on(self.start - dt.timedelta(days=3)))

    @property
    def started(self) -> dt.datetime:
        return self.on(self.start)


def _member(organisation, role: str) -> Membership:
    """The organisation's first active member with `role` (one is added if it has none)."""
    with scope(organisation=organisation):
        member = (Membership.objects.filter(role=role, is_active=True).select_related("user", "organisation")
                  .order_by("pk").first())
    if member is None:
        member = MembershipFactory(organisation=organisation, role=role, job_title=Role(role).label)
    return member


def _session_part(start: dt.time, end: dt.time) -> str:
    return SessionPart.PM if start >= dt.time(12, 0) else SessionPart.AM


def _sessions(sessions: int, hours_per_session: int) -> list[dict]:
    start = dt.time(9, 0)
    end = dt.time(9 + hours_per_session, 0)
    return [{"weekday": day, "part": _session_part(start, end), "start_time": start, "end_time": end,
             "site": "Main site"} for day in range(sessions)]


def placement_in_state(*, pupil: Pupil, provider, state: str, now: dt.datetime, by=None,
                       hours_per_session: int = 3, sessions: int = 4, home_school_hours: Decimal = Decimal("13"),
                       start: dt.date | None = None, submitted: bool = False, referral: dict | None = None,
                       **extra) -> Placement:
    """A placement taken through the lifecycle to `state` by the services, guards and all.

    The school's AP lead (or `by`, if given) starts, fills and sends the referral, records the
    parents' agreement, starts, suspends and ends; the headteacher approves; the provider's manager
    accepts or declines, records the initial assessment and agrees. A school without a current
    suitability sign-off of the provider signs it off first (the referral guard needs one).

    `submitted` sends a draft to the headteacher. `referral`: answers that replace those of
    `complete_referral_data()`. `extra`: `registration_code`, and for an ended
    placement the end fields (`end_reason`, `destination`, …); `destination`/`destination_details`
    on a placement that has not ended are recorded through the destination service.
    """
    if state not in PATHS:
        raise ValueError(f"No such placement state: {state!r}")
    steps = PATHS[state]
    times = Timeline(now=now, start=start or now.astimezone(clock.LONDON).date() - dt.timedelta(days=14))
    registration_code = extra.pop("registration_code", RegistrationCode.B)
    end = {key: extra.pop(key) for key in list(extra) if key in END_FIELDS}
    if extra:
        raise TypeError(f"placement_in_state() got unexpected arguments: {', '.join(sorted(extra))}")
    with transaction.atomic():  # a refused step leaves nothing half-built
        placement = _walk(pupil=pupil, provider=provider, state=state, now=now, by=by, steps=steps, times=times,
                          submitted=submitted, registration_code=registration_code, answers=referral or {}, end=end,
                          sessions=_sessions(sessions, hours_per_session), home_school_hours=home_school_hours)
    with scopes_disabled():
        return Placement.objects.get(pk=placement.pk)


def _walk(*, pupil: Pupil, provider, state: str, now: dt.datetime, by, steps: tuple[str, ...], times: Timeline,
          submitted: bool, registration_code: str, answers: dict, end: dict, sessions: list[dict],
          home_school_hours: Decimal) -> Placement:
    school = pupil.school
    lead = _member(school, Role.AP_LEAD)
    school_user = by or lead.user
    head = _member(school, Role.HEADTEACHER)
    manager = _member(provider, Role.PROVIDER_MANAGER)

    drafted = times.drafted if steps or submitted else now
    with _step(drafted, school):
        if REFER in steps and not suitability_signoff_current(school=school, provider=provider,
                                                              on=times.date_of(drafted)):
            suitability_signed_off(school=school, provider=provider, by=lead.user, job_title=lead.job_title or "AP lead",
                                   now=drafted)
        if not ParentCarer.objects.filter(pupil=pupil).exists():
            services.parent_carer_add(pupil=pupil, data={"name": f"Sam {pupil.last_name}", "relationship": "Parent",
                                                         "phone": "07700 900123", "lives_with_pupil": True})
        placement = services.referral_start(school=school, pupil=pupil, provider=provider,
                                            registration_code=registration_code, by=school_user, now=drafted)
        referral = services.referral_save(referral=Referral.objects.get(placement=placement),
                                          data={**complete_referral_data(), **answers})
        if REFER in steps or submitted:
            services.referral_submit(referral=referral, by=school_user, organisation=school, now=drafted)
    if REFER in steps:
        with _step(times.referred, school):
            placement = services.referral_decide(
                placement=placement, approve=True, consulted={}, notes="Agreed: a vocational course may help.",
                by=head.user, organisation=school, now=times.referred)
    if DECLINE in steps:
        with _step(now, provider):
            placement = services.provider_respond(placement=placement, accept=False, reason=DECLINE_REASON,
                                                  by=manager.user, organisation=provider, now=now)
    if ACCEPT in steps:
        with _step(times.accepted, provider):
            placement = services.provider_respond(placement=placement, accept=True, reason="", by=manager.user,
                                                  organisation=provider, now=times.accepted)
    if ASSESS in steps:
        done_on = placement.initial_assessment_due - dt.timedelta(days=2)
        with _step(times.on(done_on), provider):
            placement = services.initial_assessment_record(
                placement=placement, done_on=done_on, summary=ASSESSMENT_SUMMARY, by=manager.user,
                organisation=provider, now=times.on(done_on))
    if AGREE in steps:
        agreed = times.agreed(state)
        _agree(placement, times=times, at=agreed, school_user=school_user, manager=manager,
                           sessions=sessions, home_school_hours=home_school_hours)
    if PARENTS in steps:
        with _step(agreed, school):
            services.parental_agreement_record(placement=placement, by=school_user, organisation=school, now=agreed,
                                               data={"method": ParentalAgreementMethod.TYPED,
                                                     "signed_by_name": "A Parent", "relationship": "Mother",
                                                     "signed_on": min(times.start - dt.timedelta(days=3),
                                                                      times.date_of(agreed)),
                                                     "consent_to_share": True})
    if START in steps:
        with _step(times.started, school):
            placement = services.placement_start(placement=placement, by=school_user, organisation=school,
                                                 now=times.started)
    with _step(now, school):
        if Transition.EMERGENCY_REVIEW in steps or Transition.SUSPEND in steps:
            name = Transition.EMERGENCY_REVIEW if Transition.EMERGENCY_REVIEW in steps else Transition.SUSPEND
            placement = services.placement_change_status(placement=placement, name=name, note="", by=school_user,
                                                         organisation=school, now=now)
        if Transition.END in steps:
            placement = services.placement_end(
                placement=placement, by=school_user, organisation=school, now=now,
                data={"ended_on": times.today, **end, "end_reason": end.get("end_reason") or EndReason.COMPLETED})
        elif end.get("destination"):
            placement = services.destination_record(placement=placement, destination=end["destination"],
                                                    details=end.get("destination_details", ""), by=school_user,
                                                    organisation=school, now=now)
    return placement


def _agree(placement: Placement, *, times: Timeline, at: dt.datetime, school_user, manager: Membership,
           sessions: list[dict], home_school_hours: Decimal) -> None:
    """The school writes the first agreement version; the school, then the provider, agree it."""
    school, provider = placement.school, placement.provider
    with _step(at, school):
        agreement = services.agreement_draft(placement=placement, by=school_user, now=at)
        agreement = services.agreement_save(agreement=agreement, data={
            "rationale": "Vocational route to re-engage.", "pupil_profile": "Practical learner; anxious in large groups.",
            "baseline": "Working at grade 3.", "start_date": times.start,
            "planned_end_date": times.start + dt.timedelta(weeks=12), "review_date": times.start + dt.timedelta(weeks=6),
            "home_school_hours": home_school_hours, "dsl_details": "Grace Mensah, DSL, 01234 567890",
            "school_lead": school_user, "set_up_visit_on": times.date_of(at),
            "next_visit_on": times.start + dt.timedelta(weeks=3),
        })
        services.target_add(agreement=agreement, data={
            "target": "95% attendance at the provider", "support_from_school": "Weekly check-in",
            "support_from_provider": "Daily register"})
        for session in sessions:
            services.session_add(agreement=agreement, data=session)
        services.agreement_agree(agreement=agreement, by=school_user, organisation=school, now=at)
    with _step(at, provider):
        services.agreement_agree(agreement=agreement, by=manager.user, organisation=provider, now=at)


