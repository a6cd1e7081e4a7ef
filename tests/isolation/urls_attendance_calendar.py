"""Isolation rows for the calendar pages and the school's attendance settings (attendance/urls_calendar.py).

Term rows belong to the LA or school that opens the page (for a kind the page refuses, to that
side's LA); non-teaching days to the organisation itself. Side b's row through side a's URL → 404.
"""

from __future__ import annotations

import datetime as dt

from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scopes_disabled

from .registry import UrlSpec

YEAR = 2026


def _term(world, side, *, kind):
    from attendance.models import Term, TermDates

    owner = world.org(kind if kind in (K.LOCAL_AUTHORITY, K.SCHOOL) else K.LOCAL_AUTHORITY, side)
    with scopes_disabled():
        row, _ = TermDates.objects.get_or_create(
            organisation=owner, academic_year=YEAR, term=Term.AUTUMN,
            defaults={"start_date": dt.date(2026, 9, 1), "end_date": dt.date(2026, 12, 18),
                      "half_term_start": dt.date(2026, 10, 26), "half_term_end": dt.date(2026, 10, 30)})
    return {"pk": row.pk}


def _term_exists(world, kwargs):
    from attendance.models import TermDates

    return TermDates.objects.filter(pk=kwargs["pk"]).exists()


def _day(world, side, *, kind):
    from attendance.models import DayKind, NonTeachingDay

    owner = world.org(kind if kind != K.TRUST else K.SCHOOL, side)
    with scopes_disabled():
        row, _ = NonTeachingDay.objects.get_or_create(organisation=owner, date=dt.date(2026, 11, 2),
                                                      defaults={"kind": DayKind.CLOSURE})
    return {"pk": row.pk}


def _day_exists(world, kwargs):
    from attendance.models import NonTeachingDay

    return NonTeachingDay.objects.filter(pk=kwargs["pk"]).exists()


URLS = {
    "attendance:calendar": UrlSpec(),
    # The year and term are query parameters (?year=2026&term=spring): no object to another side.
    "attendance:calendar_term_add": UrlSpec(),
    "attendance:calendar_term_change": UrlSpec(kwargs=_term),
    "attendance:calendar_term_remove": UrlSpec(kwargs=_term, method="post", ok_status=302, state=_term_exists),
    "attendance:calendar_own_dates": UrlSpec(),
    "attendance:calendar_follow_la": UrlSpec(),
    "attendance:calendar_day_add": UrlSpec(),
    "attendance:calendar_day_remove": UrlSpec(kwargs=_day, method="post", ok_status=302, state=_day_exists),
    "attendance:settings": UrlSpec(),
}
