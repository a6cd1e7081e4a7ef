"""Test and demo builders for exam entries: through the services, as a user would."""

from __future__ import annotations

import datetime as dt

from tenancy.roles import Role
from tenancy.scoping import scope

from . import services
from .models import ExamEntry, Venue

DEFAULTS = {"qualification": "GCSE Mathematics", "awarding_body": "AQA", "tier": "higher", "series": "June 2027",
            "first_exam_on": dt.date(2027, 6, 10), "last_exam_on": None, "access_arrangements": "",
            "venue": Venue.PROVIDER, "venue_address": ""}


def _member_user(organisation, role):
    from placements.factories import _member

    return _member(organisation, role).user


def exam_entry(placement, *, now: dt.datetime, by=None, answer: str | None = None, reason: str = "",
               **values) -> ExamEntry:
    """An entry recorded by the school on `placement`; `answer="confirm"` or `"cannot"` has the
    provider answer it too."""
    school, provider = placement.school, placement.provider
    with scope(organisation=school):
        entry = services.entry_save(placement=placement, values={**DEFAULTS, **values}, now=now, organisation=school,
                                    by=by or _member_user(school, Role.EXAMS_OFFICER))
    if answer:
        with scope(organisation=provider):
            entry = services.entry_answer(entry=entry, confirm=answer == "confirm", reason=reason or "No room",
                                          by=_member_user(provider, Role.PROVIDER_MANAGER), organisation=provider,
                                          now=now)
    return entry
