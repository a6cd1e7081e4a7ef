"""Demo visits (issue 12): every demo placement in AP gets its current half-term window (and, when
it needs a visit, its place on the overdue-visit ladder); Hillside's pastoral lead owns the visits to
Amelia Wright at Pathways, who has no visit this half term (due, then overdue on the window's last
school day); Jayden Clarke at Forge Skills has a submitted visit record with actions for both
sides, and a review meeting held whose next one is due within the week (monitoring/review_demo.py).
Idempotent."""

from __future__ import annotations

import datetime as dt

from apcommission.clock import LONDON
from placements.models import Placement
from tenancy.scoping import scope

from . import services
from .models import Visit
from .review_demo import load_review_demo


def _placement(school, first: str, last: str) -> Placement | None:
    with scope(organisation=school):
        return Placement.objects.select_related("school").filter(pupil__first_name=first,
                                                                  pupil__last_name=last).first()


def load_monitoring_demo(orgs: dict, users: dict, now: dt.datetime) -> None:
    school = orgs.get("hillside-academy")
    lead, pastoral = users.get("ap-lead"), users.get("pastoral")
    if school is None or lead is None:
        return
    services.visit_windows_open(now=now)
    amelia = _placement(school, "Amelia", "Wright")
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
