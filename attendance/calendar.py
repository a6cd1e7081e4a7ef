"""School days: term time, minus half terms, bank holidays (England and Wales), INSET and closures.

`term_time_days` is the rule, a pure function of the rows; `school_days`, `is_school_day` and
`provider_school_days` read the rows (two queries for any range) and apply it. Bank holidays come
from govuk-bank-holidays' bundled copy of gov.uk/bank-holidays.json: nothing is fetched at run time.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import scope

from .models import NonTeachingDay, TermDates


class CalendarNotShared(LookupError):
    """A provider asked for the calendar of a school it has no placement with."""


@dataclass(frozen=True)
class TermSpan:
    start: dt.date
    end: dt.date
    half_term_start: dt.date | None = None
    half_term_end: dt.date | None = None

    def teaches_on(self, day: dt.date) -> bool:
        if not self.start <= day <= self.end:
            return False
        return not (self.half_term_start and self.half_term_start <= day <= self.half_term_end)


def academic_year_of(day: dt.date) -> int:
    """The academic year (1 August to 31 July) a day falls in, named by the year it starts."""
    return day.year if day.month >= 8 else day.year - 1


@functools.cache
def bank_holidays() -> frozenset[dt.date]:
    """Bank holidays in England and Wales, from the package's bundled data (never downloaded)."""
    from govuk_bank_holidays.bank_holidays import BankHolidays

    holidays = BankHolidays(use_cached_holidays=True).get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    return frozenset(h["date"] for h in holidays)


def term_time_days(start: dt.date, end: dt.date, *, terms: Iterable[TermSpan], days_off: Collection[dt.date],
                   holidays: Collection[dt.date]) -> list[dt.date]:
    """Weekdays from `start` to `end` (inclusive) inside a term and outside its half term, that are
    neither a bank holiday nor in `days_off`. Pure: the rows come in as arguments."""
    terms = list(terms)
    days = []
    day = start
    while day <= end:
        if (day.weekday() < 5 and day not in holidays and day not in days_off
                and any(term.teaches_on(day) for term in terms)):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def school_days(school: Organisation, start: dt.date, end: dt.date, *,
                provider: Organisation | None = None) -> list[dt.date]:
    """The days `school` teaches from `start` to `end` (inclusive); with `provider`, also minus that
    provider's closure days. Per academic year the school follows its own term rows if it has any,
    else its LA's (then the LA's non-teaching days apply too); the school's INSET and closure days
    always apply. Two queries, through the current scope (the school's own, its LA's, or none)."""
    if school.kind != OrganisationKind.SCHOOL:
        raise ValueError(f"{school} is not a school")
    if end < start:
        return []
    la_id = school.local_authority_id
    years = range(academic_year_of(start), academic_year_of(end) + 1)
    term_rows = list(TermDates.objects.filter(organisation_id__in=[school.pk, la_id], academic_year__in=years)
                     .values_list(*TERM_ROW))
    owners = [school.pk, la_id] + ([provider.pk] if provider is not None else [])
    day_rows = list(NonTeachingDay.objects.filter(organisation_id__in=owners, date__range=(start, end))
                    .values_list(*DAY_ROW))
    return days_from_rows(start, end, school_id=school.pk, la_id=la_id,
                          provider_id=provider.pk if provider is not None else None,
                          term_rows=term_rows, day_rows=day_rows)


# The columns `days_from_rows` reads (values_list order).
TERM_ROW = ("organisation_id", "academic_year", "start_date", "end_date", "half_term_start", "half_term_end")
DAY_ROW = ("organisation_id", "date")


def days_from_rows(start: dt.date, end: dt.date, *, school_id: int, la_id: int | None, provider_id: int | None,
                   term_rows: Iterable[tuple], day_rows: Iterable[tuple]) -> list[dt.date]:
    """`school_days`' rule on rows already read (TERM_ROW and DAY_ROW tuples). Rows of other
    organisations are ignored, so one read can serve many schools (the session generator's batches)."""
    rows = [row for row in term_rows if row[0] in (school_id, la_id)]
    own_years = {year for org_id, year, *_ in rows if org_id == school_id}
    terms = [TermSpan(*dates) for org_id, year, *dates in rows
             if (org_id == school_id) == (year in own_years)]
    owners = {school_id, la_id, provider_id} - {None}
    days_off = {
        day for org_id, day in day_rows
        if org_id in owners and (org_id != la_id or academic_year_of(day) not in own_years)
    }
    return term_time_days(start, end, terms=terms, days_off=days_off, holidays=bank_holidays())


def is_school_day(school: Organisation, day: dt.date, *, provider: Organisation | None = None) -> bool:
    return bool(school_days(school, day, day, provider=provider))


def provider_school_days(provider: Organisation, school: Organisation, start: dt.date, end: dt.date) -> list[dt.date]:
    """For a provider: the days it expects the school's pupils (the school's days minus the
    provider's closures). Only for a school it has a placement with; only dates come back."""
    from placements.models import Placement

    with scope(organisation=provider):
        if not Placement.objects.filter(school=school).exists():
            raise CalendarNotShared(f"{provider} has no placement with {school}")
    with scope(organisation=school):
        return school_days(school, start, end, provider=provider)


def is_school_day_at(school: Organisation, instant: dt.datetime, *, provider: Organisation | None = None) -> bool:
    """Whether the day an instant falls on *in England* (BST or GMT) is a school day."""
    from apcommission.clock import LONDON

    return is_school_day(school, instant.astimezone(LONDON).date(), provider=provider)
