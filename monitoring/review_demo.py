"""Demo review meeting (issue 12 item 4): Jayden Clarke's placement at Forge Skills had its review
meeting three weeks ago (a target revised, one kept) and the next one is due within the week, so the
AP lead's dashboard lists it. Idempotent: nothing is added once the placement has a meeting."""

from __future__ import annotations

import datetime as dt

from apcommission.clock import LONDON
from tenancy.scoping import scope

from . import reviews
from .review_models import ReviewMeeting


def load_review_demo(school, placement, lead, now: dt.datetime) -> None:
    with scope(organisation=school):
        if ReviewMeeting.objects.filter(placement=placement).exists():
            return
        today = now.astimezone(LONDON).date()
        held_on = max(today - dt.timedelta(days=21), placement.start_date or today)
        targets = reviews.current_targets(placement)
        answers = {n: {"outcome": "kept", "progress": "On track: attending every session this fortnight."}
                   for n in range(len(targets))}
        if targets:
            answers[0] = {"outcome": "revised", "new_wording": targets[0].wording + ", and on time every day",
                          "progress": "Attendance met; late twice after the bus changed."}
        reviews.review_save(
            placement=placement, by=lead, organisation=school, now=now, submit=True, targets=answers,
            values={"held_on": held_on, "school_attended": True, "provider_attended": True, "pupil_attended": True,
                    "attendees": "Daniel Price (AP lead), the centre manager, Jayden",
                    "parents_invited": True, "parents_invited_how": "phone", "parents_attended": False,
                    "behaviour": "No incidents; works well with the tutor.",
                    "attendance_notes": "Two late arrivals after the bus timetable changed.",
                    "safeguarding_queries": False,
                    "academic_progress": "Unit 1 of the Level 1 certificate complete; unit 2 started.",
                    "comments": "A good half term. Keep the workshop time; review the bus route with the family.",
                    "next_review_on": max(today + dt.timedelta(days=5), held_on + dt.timedelta(days=1))})
