"""Isolation specs of the review meeting pages (monitoring/review_views.py, issue 12 item 4): start
or continue a draft, read, PDF. Providers reach only submitted meetings of their own placements."""

from __future__ import annotations

import datetime as dt

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

from .registry import UrlSpec
from .urls_attendance_reports import _placement  # the side's active placement, built once

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _placement_kwargs(world, side):
    return {"pk": _placement(world, side).pk}


def _meeting(world, side, *, submit):
    from monitoring import reviews
    from monitoring.models import ReviewMeeting
    from tenancy.scoping import scope

    placement = _placement(world, side)
    school = placement.school
    with scope(organisation=school):
        draft = ReviewMeeting.objects.filter(placement=placement, state="draft").first()
        if draft is not None and not submit:
            return draft  # one draft per placement
        values = {"held_on": dt.date(2026, 11, 24), "parents_invited": False, "safeguarding_queries": False,
                  "next_review_on": dt.date(2027, 1, 20), "comments": "Going well"}
        targets = {n: {"outcome": "kept"} for n in range(10)}
        return reviews.review_save(placement=placement, meeting=draft, values=values, targets=targets,
                                   by=world.user(K.SCHOOL, Role.AP_LEAD, side), organisation=school, now=NOW,
                                   submit=submit)


def _submitted(world, side):
    return {"pk": _meeting(world, side, submit=True).pk}


def _draft(world, side):
    return {"pk": _meeting(world, side, submit=False).pk}


URLS = {
    "monitoring:review_create": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "monitoring:review_detail": UrlSpec(kwargs=_submitted, school_owned=True),
    "monitoring:review_edit": UrlSpec(kwargs=_draft, school_owned=True),
    "monitoring:review_pdf": UrlSpec(kwargs=_submitted, school_owned=True),
}
