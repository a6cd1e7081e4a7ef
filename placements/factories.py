"""Factories for pupils and placements. `placement_in_state` builds a consistent placement in any
state directly (no guards), for tests, the isolation harness and demo data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from stdnum.gb import upn as stdnum_upn

from tenancy.factories import OrganisationFactory, ScopedFactory
from tenancy.scoping import scopes_disabled

from .models import (
    CommissioningAgreement,
    ContactRole,
    EndReason,
    EventKind,
    Frequency,
    ParentalAgreement,
    ParentalAgreementMethod,
    ParentCarer,
    Placement,
    PlacementEvent,
    Pupil,
    PupilSensitive,
    Referral,
    State,
    Target,
    TimetableSession,
    Transport,
)
from .models.choices import RISK_INDICATORS
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
        "shared_sections": list(DEFAULT_SHARED),
        "consulted_pupil": True, "consulted_parents": True, "consulted_teacher": True,
    }


ORDER = [State.DRAFT, State.REFERRED, State.ACCEPTED, State.AGREED, State.ACTIVE]


def placement_in_state(*, pupil: Pupil, provider, state: str, now: dt.datetime, by=None,
                       hours_per_session: int = 3, sessions: int = 4, home_school_hours: Decimal = Decimal("13"),
                       start: dt.date | None = None, submitted: bool = False, **extra) -> Placement:
    """A placement that looks as if it went through the lifecycle to `state` (no guards run)."""
    today = now.date()
    start = start or today - dt.timedelta(days=14)
    reached = {s: (s in ORDER and state in ORDER and ORDER.index(s) <= ORDER.index(state))
               for s in ORDER}
    if state in (State.EMERGENCY_REVIEW, State.SUSPENDED, State.ENDED):
        reached = dict.fromkeys(ORDER, True)
    if state == State.DECLINED:
        reached = {State.DRAFT: True, State.REFERRED: True}
    with scopes_disabled():
        end_reason = extra.pop("end_reason", "")
        p = Placement.objects.create(school=pupil.school, pupil=pupil, provider=provider, created_by=by, **extra)
        data = complete_referral_data()
        if reached.get(State.REFERRED) or submitted:
            data.update(submitted_at=now, submitted_by=by)
        if reached.get(State.REFERRED):
            data.update(approved_at=now, approved_by=by)
            p.referred_at = now - dt.timedelta(days=30)
        Referral.objects.create(placement=p, **data)
        events = [("Referral started", State.DRAFT)]
        if state == State.DECLINED:
            p.responded_at, p.decline_reason = now, "We have no places on the motor vehicle course until spring."
        if reached.get(State.ACCEPTED):
            p.responded_at = now - dt.timedelta(days=25)
            p.initial_assessment_due = (now - dt.timedelta(days=25)).date() + dt.timedelta(days=7)
            if state != State.ACCEPTED:
                p.initial_assessment_done_on = p.initial_assessment_due - dt.timedelta(days=2)
                p.initial_assessment_summary = "Entry level 3 English and maths; Level 1 practical course."
        if reached.get(State.AGREED):
            agreement = CommissioningAgreement.objects.create(
                placement=p, version=1, created_at=now, created_by=by, rationale="Vocational route to re-engage.",
                pupil_profile="Practical learner; anxious in large groups.", baseline="Working at grade 3.",
                start_date=start, planned_end_date=start + dt.timedelta(weeks=12),
                review_date=start + dt.timedelta(weeks=6), home_school_hours=home_school_hours,
                school_agreed_at=now, school_agreed_by=by, provider_agreed_at=now, provider_agreed_by=by,
                dsl_details="Grace Mensah, DSL, 01234 567890",
            )
            Target.objects.create(agreement=agreement, order=1, target="95% attendance at the provider",
                                  support_from_school="Weekly check-in", support_from_provider="Daily register")
            for day in range(sessions):
                TimetableSession.objects.create(agreement=agreement, weekday=day, part="am",
                                                start_time=dt.time(9, 0), end_time=dt.time(9 + hours_per_session, 0),
                                                site="Main site")
            weekly = Decimal(hours_per_session * sessions)
            p.agreed_at, p.start_date, p.planned_end_date = now, agreement.start_date, agreement.planned_end_date
            p.weekly_hours, p.total_weekly_hours = weekly, weekly + home_school_hours
            from .rules import full_time_expected

            p.part_time = p.total_weekly_hours < full_time_expected(pupil.year_group)
            ParentalAgreement.objects.create(
                placement=p, method=ParentalAgreementMethod.TYPED, signed_by_name="A Parent", relationship="Mother",
                signed_on=start - dt.timedelta(days=3), consent_to_share=True, recorded_by=by, recorded_at=now,
            )
        if reached.get(State.ACTIVE):
            p.activated_at = now - dt.timedelta(days=14)
        if state == State.ENDED:
            p.ended_on = today
            p.end_reason = end_reason or EndReason.COMPLETED
        p.state = state
        p.save()
        for summary, to_state in events + [(f"Moved to {State(state).label.lower()}", state)]:
            PlacementEvent.objects.create(placement=p, at=now, by=by, kind=EventKind.TRANSITION, to_state=to_state,
                                          summary=summary)
    return p
