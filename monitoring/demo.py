"""Demo visits (issue 12): every demo placement in AP gets its current half-term window (and, when
it needs a visit, its place on the overdue-visit ladder); Hillside's pastoral lead owns the visits to
Amelia Wright at Pathways, who started weeks ago and had no visit in the previous half term: the daily
job opened that window when it was current, and the ladder has since fired (the owner reminded and
told it is overdue, then the headteacher: the engine takes the step the clock demands), so the
school's dashboard lists her visit as overdue; her current window is due. Jayden Clarke at Forge
Skills has a submitted visit record with actions for both sides, and a review meeting held whose
next one is due within the week (monitoring/review_demo.py). Everything goes through the
services the app runs (visit_windows_open as the beat job would have, the escalation engine's own
step). Idempotent."""

from __future__ import annotations

import datetime as dt

from apcommission.clock import LONDON, london
from escalation.models import Escalation
from escalation.services import escalation_step_now
from placements.models import Placement
from tenancy.scoping import scope

from . import rules, services
from .ladders import VISIT_OVERDUE
from .models import Visit, VisitWindow
from .review_demo import load_review_demo

JOB_TIME = dt.time(5, 30)  # when the daily job runs (before the ladder's 07:00 steps)


def _placement(school, first: str, last: str) -> Placement | None:
    with scope(organisation=school):
        return Placement.objects.select_related("school").filter(pupil__first_name=first,
                                                                  pupil__last_name=last).first()


def load_monitoring_demo(orgs: dict, users: dict, now: dt.datetime) -> None:
    school = orgs.get("hillside-academy")
    lead, pastoral = users.get("ap-lead"), users.get("pastoral")
    if school is None or lead is None:
        return
    amelia = _placement(school, "Amelia", "Wright")
    earlier = _previous_window(amelia, now) if amelia is not None else None
    if earlier is not None:
        # The daily job on the first day Amelia was in AP in the previous half term, as it ran then.
        services.visit_windows_open(now=london(max(earlier.start, amelia.start_date), JOB_TIME))
    services.visit_windows_open(now=now)
    jayden = _placement(school, "Jayden", "Clarke")
    with scope(organisation=school):
        if amelia is not None and pastoral is not None:
            services.visit_owner_set(placement=amelia, owner=pastoral, by=lead, organisation=school, now=now)
        if jayden is not None and not Visit.objects.filter(placement=jayden).exists():
            visited_on = max(now.astimezone(LONDON).date() - dt.timedelta(days=2), jayden.start_date)
            visit = services.visit_save(
                placement=jayden, by=lead, organisation=school, now=now, submit=True,
                values={"visited_on": visited_on, "visited_time": dt.time(10, 30), "visitor": lead,
                        "safeguarding_concerns": False, "parent_contacted": True,
                        "attendance_notes": "Late twice after the bus changed; the provider has a plan.",
                        "behaviour_welfare": "Settled in the workshop; works well with the tutor.",
                        "progress_attainment": "On track for the Level 1 certificate unit 2.",
                        "curriculum_learning": "Welding basics and health and safety; maths through measuring.",
                        "pupil_views": "Likes the practical work; wants more time in the workshop.",
                        "next_review_on": visited_on + dt.timedelta(days=28)})
            services.visit_action_add(visit=visit, side="school", description="Send the revised bus timetable home.",
                                      owner_name="Daniel Price", due_on=visited_on + dt.timedelta(days=7), by=lead,
                                      organisation=school)
            services.visit_action_add(visit=visit, side="provider",
                                      description="Share the unit 2 assessment plan with the school.",
                                      owner_name="Centre manager", due_on=visited_on + dt.timedelta(days=14), by=lead,
                                      organisation=school)
    if jayden is not None:
        load_review_demo(school, jayden, lead, now)
    if earlier is not None:
        _ladder_catches_up(amelia, earlier, now)


def _previous_window(placement: Placement, now: dt.datetime) -> rules.Window | None:
    """The half-term window before today's in which the placement was active (None if none)."""
    today = now.astimezone(LONDON).date()
    if placement.start_date is None or placement.start_date >= today:
        return None
    school = placement.school
    with scope(organisation=school):
        calendars = services.Calendars({school.pk: school.local_authority_id}, first=placement.start_date, last=today)
    ended = [w for w in calendars.windows(school.pk) if placement.start_date <= w.end < today]
    return ended[-1] if ended else None


def _ladder_catches_up(placement: Placement, window: rules.Window, now: dt.datetime) -> None:
    """The engine's step for the window's overdue-visit ladder, at the level the clock demands now."""
    with scope(organisation=placement.school):  # the school's own ladder rows
        ids = list(Escalation.objects.filter(
            ladder=VISIT_OVERDUE, resolved_at__isnull=True, next_step_at__lte=now,
            target_id__in=VisitWindow.objects.filter(placement=placement, start=window.start).values("pk"))
            .values_list("pk", flat=True))
    escalation_step_now(escalation_ids=ids, now=now)
