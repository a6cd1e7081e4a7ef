"""Demo placements: one or more in every state, for the demo organisations.

`load_placements_demo(orgs, users, now)` is called by `manage.py load_demo_data` (the demo app)
after the demo organisations, people and pupils exist. Every placement is taken through the
lifecycle by the services (placements.factories.placement_in_state), each step by the school's or
the provider's member in that role. Idempotent: a pupil who already has a placement at the
provider is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tenancy.scoping import scope

from . import services
from .factories import placement_in_state
from .models import EndReason, ParentCarer, Placement, Pupil, PupilSensitive, State

# school slug, pupil first name, last name, provider slug, state, options
DEMO_PLACEMENTS = [
    ("hillside-academy", "Jayden", "Clarke", "forge-skills", State.ACTIVE,
     {"sessions": 2, "hours_per_session": 4, "home_school_hours": Decimal("15")}),  # part-time: 23 h
    ("hillside-academy", "Amelia", "Wright", "pathways", State.ACTIVE,
     {"sessions": 4, "hours_per_session": 4, "home_school_hours": Decimal("10"),
      "walked_days_ago": 49}),  # Year 11, no destination yet; started 9 weeks ago (a half term with no visit)
    ("hillside-academy", "Oliver", "Nowak", "green-shoots", State.DRAFT, {}),
    ("hillside-academy", "Chloe", "Bennett", "pathways", State.DRAFT, {"submitted": True}),  # awaiting the head
    ("hillside-academy", "Mohammed", "Ali", "forge-skills", State.ENDED,
     {"end_reason": EndReason.COMPLETED, "destination": "apprenticeship",
      "destination_details": "Level 2 motor vehicle apprenticeship, Northshire Motors"}),
    ("hillside-academy", "Kai", "Thompson", "pathways", State.REFERRED, {}),  # awaiting the provider
    ("hillside-academy", "Ruby", "Jenkins", "green-shoots", State.DECLINED, {}),
    ("st-annes", "Lily", "O'Connor", "pathways", State.ENDED, {"end_reason": EndReason.REINTEGRATED}),  # Y11, no destination
    ("st-annes", "Ethan", "Hughes", "forge-skills", State.ACCEPTED, {}),  # initial assessment overdue
    ("st-annes", "Zara", "Begum", "pathways", State.AGREED, {"start_offset_days": 7}),
    ("st-annes", "Harvey", "Walsh", "pathways", State.EMERGENCY_REVIEW, {}),
    ("st-annes", "Maisie", "Cooper", "green-shoots", State.SUSPENDED, {}),
]

SENSITIVE = {
    ("hillside-academy", "Jayden", "Clarke"): {
        "sen_provision": "sen_support", "sen_details": "Dyslexia: coloured overlays and extra reading time help.",
        "access_arrangements": "25% extra time; reader.", "ethnicity": "White British", "child_in_need": True,
    },
    ("hillside-academy", "Amelia", "Wright"): {
        "looked_after": "statutory", "order_held_by": "Northshire County Council",
        "date_in_care": dt.date(2022, 2, 14), "mental_health_concerns": "Anxiety; CAMHS involved.",
        "mental_health_referral": True,
    },
    ("st-annes", "Harvey", "Walsh"): {"medical_needs": "Asthma.", "medication": "Salbutamol inhaler, carried."},
}

SCHOOL_CONTACTS = {
    "main": {"name": "Daniel Price", "position": "AP lead", "email": "ap-lead@demo.apcommission.test"},
    "dsl": {"name": "Grace Mensah", "position": "DSL", "email": "dsl@demo.apcommission.test"},
}


def _pupil(orgs, school_slug: str, first: str, last: str) -> Pupil | None:
    school = orgs.get(school_slug)
    if school is None:
        return None
    with scope(organisation=school):
        return Pupil.objects.filter(first_name=first, last_name=last).first()


def load_placements_demo(orgs: dict, users: dict, now: dt.datetime) -> list[Placement]:
    """Create the demo placements (and a few pupils' special-category records and parents).

    `users` is kept for the command's call; each step is taken by the organisation's own member.
    """
    created = []
    for (school_slug, first, last), data in SENSITIVE.items():
        pupil = _pupil(orgs, school_slug, first, last)
        if pupil is not None:
            with scope(organisation=pupil.school):
                if not PupilSensitive.objects.filter(pupil=pupil).exists():
                    services.pupil_sensitive_save(pupil=pupil, data=data)
    for school_slug, first, last, provider_slug, state, options in DEMO_PLACEMENTS:
        pupil = _pupil(orgs, school_slug, first, last)
        provider = orgs.get(provider_slug)
        if pupil is None or provider is None:
            continue
        with scope(organisation=pupil.school):
            if not ParentCarer.objects.filter(pupil=pupil).exists():
                services.parent_carer_add(pupil=pupil, data={
                    "name": f"Sam {last}", "relationship": "Parent", "phone": "07700 900" + f"{pupil.pk % 1000:03d}",
                    "lives_with_pupil": True})
            if Placement.objects.filter(pupil=pupil, provider=provider).exists():
                continue
        options = dict(options)
        offset = options.pop("start_offset_days", None)
        start = now.date() + dt.timedelta(days=offset) if offset is not None else None
        # A placement walked through its lifecycle weeks earlier (referred, agreed and started then).
        walked = now - dt.timedelta(days=options.pop("walked_days_ago", 0))
        created.append(placement_in_state(pupil=pupil, provider=provider, state=state, now=walked, start=start,
                                          referral={"school_contacts": SCHOOL_CONTACTS}, **options))
    return created
