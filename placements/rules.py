"""Plain rules about pupils and placements: no database, `on`/`now` passed in, unit-tested."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from apcommission.clock import london

from . import conf
from .models.choices import SessionPart, Weekday

ZERO = Decimal("0")
HOUR = Decimal(3600)
MIDNIGHT = dt.time(0)


# --- Key stages and full-time hours ---------------------------------------------------------

def key_stage(year_group: int) -> int | None:
    """Key stage of a year group (Reception → None: before KS1; Year 12+ → 5, post-16)."""
    if year_group <= 0:
        return None
    if year_group <= 2:
        return 1
    if year_group <= 6:
        return 2
    if year_group <= 9:
        return 3
    if year_group <= 11:
        return 4
    return 5


def full_time_expected(year_group: int) -> Decimal:
    """Hours a week a pupil of this year group would usually have in school (settings, per key stage)."""
    stage = key_stage(year_group)
    stage = 1 if stage is None else min(stage, 4)
    return Decimal(conf.get(f"APC_FULL_TIME_HOURS_KS{stage}"))


def session_hours(start: dt.time, end: dt.time) -> Decimal:
    day = dt.date(2000, 1, 3)
    seconds = (dt.datetime.combine(day, end) - dt.datetime.combine(day, start)).total_seconds()
    return (Decimal(seconds) / HOUR).quantize(Decimal("0.01"))


def weekly_hours(sessions: Iterable) -> Decimal:
    """Total hours a week of timetable sessions (anything with start_time and end_time)."""
    return sum((session_hours(s.start_time, s.end_time) for s in sessions), ZERO)


@dataclass(frozen=True)
class FullTimeCheck:
    expected: Decimal
    school_hours: Decimal
    placement_hours: Decimal  # this placement
    other_placement_hours: Decimal  # the pupil's other active placements

    @property
    def total(self) -> Decimal:
        return self.school_hours + self.placement_hours + self.other_placement_hours

    @property
    def part_time(self) -> bool:
        return self.total < self.expected

    @property
    def shortfall(self) -> Decimal:
        return max(self.expected - self.total, ZERO)


def full_time_check(*, year_group: int, school_hours: Decimal, placement_hours: Decimal,
                    other_placement_hours: Decimal = ZERO) -> FullTimeCheck:
    """Is the pupil's week full-time across the home school and every placement? (seed 001 §6)"""
    return FullTimeCheck(
        expected=full_time_expected(year_group), school_hours=Decimal(school_hours),
        placement_hours=Decimal(placement_hours), other_placement_hours=Decimal(other_placement_hours),
    )


def status_label(state: str, *, submitted: bool = False) -> str:
    """The placement's status in words that follow the lifecycle: a draft sent to the headteacher is
    no longer a "Draft referral" to its author."""
    from .models.choices import State

    if state == State.DRAFT and submitted:
        return "Awaiting the headteacher's decision"
    return State(state).label


def week_plan(sessions: Iterable) -> list[dict]:
    """Each weekday with its AP sessions; a half-day without AP is a school half-day.

    Returns [{"weekday", "label", "am": session|None, "pm": session|None, "all_day": bool}] Monday to
    Friday; an all-day session fills both halves (`all_day` True, `am` and `pm` the same session).
    """
    by_slot = {}
    for s in sessions:
        for half in ((SessionPart.AM, SessionPart.PM) if s.part == SessionPart.DAY else (s.part,)):
            by_slot[(s.weekday, half)] = s
    plan = []
    for day in Weekday:
        am, pm = by_slot.get((day.value, SessionPart.AM)), by_slot.get((day.value, SessionPart.PM))
        plan.append({"weekday": day.value, "label": day.label, "am": am, "pm": pm,
                     "all_day": am is not None and am is pm})
    return plan


def session_clash(existing: Iterable, *, weekday: int, part: str) -> bool:
    """Would a session on `weekday` in `part` overlap one already in the timetable? An all-day
    session takes both halves of its day."""
    halves = {SessionPart.AM, SessionPart.PM} if part == SessionPart.DAY else {part}
    for s in existing:
        if s.weekday == weekday and halves & ({SessionPart.AM, SessionPart.PM} if s.part == SessionPart.DAY else {s.part}):
            return True
    return False


# --- Compulsory school age ------------------------------------------------------------------

def _last_friday_of_june(year: int) -> dt.date:
    day = dt.date(year, 6, 30)
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def _compulsory_from(date_of_birth: dt.date) -> dt.date:
    try:
        fifth = date_of_birth.replace(year=date_of_birth.year + 5)
    except ValueError:  # 29 February
        fifth = dt.date(date_of_birth.year + 5, 3, 1)
    prescribed = [dt.date(fifth.year, 3, 31), dt.date(fifth.year, 8, 31), dt.date(fifth.year, 12, 31)]
    return next(d for d in prescribed if d >= fifth)


def _compulsory_until(date_of_birth: dt.date) -> dt.date:
    # The school year (1 Sep–31 Aug) containing the 16th birthday ends in June of the next calendar
    # year when the birthday falls from September to December.
    leaving_year = date_of_birth.year + 16 + (1 if date_of_birth.month >= 9 else 0)
    return _last_friday_of_june(leaving_year)


def compulsory_school_age(date_of_birth: dt.date, on: dt.date) -> bool:
    """Of compulsory school age on `on` (Education Act 1996 s8).

    From the prescribed day (31 Dec, 31 Mar or 31 Aug) on or after the 5th birthday, until the
    last Friday in June of the school year in which the child turns 16.
    """
    return _compulsory_from(date_of_birth) <= on <= _compulsory_until(date_of_birth)


def compulsory_school_age_births(on: dt.date) -> tuple[dt.date, dt.date]:
    """The dates of birth (first, last) of the pupils of compulsory school age on `on`, so that a
    database query can count them: both ends of `compulsory_school_age` move later as the date of
    birth does, so the pupils of compulsory age are exactly those born in one unbroken range."""

    def first_true(lo: dt.date, hi: dt.date, test) -> dt.date:  # earliest day in [lo, hi] passing a monotone test
        while lo < hi:
            mid = lo + (hi - lo) // 2
            lo, hi = (lo, mid) if test(mid) else (mid + dt.timedelta(days=1), hi)
        return lo

    earliest, latest = on - dt.timedelta(days=366 * 18), on
    first = first_true(earliest, latest, lambda dob: _compulsory_until(dob) >= on)
    last = first_true(earliest, latest + dt.timedelta(days=1), lambda dob: _compulsory_from(dob) > on) - dt.timedelta(days=1)
    return first, last


# --- Initial assessment, destinations ---------------------------------------------------------

def initial_assessment_due(accepted_on: dt.date) -> dt.date:
    """The provider assesses the pupil's needs within a week of accepting (seed 001 §13)."""
    return accepted_on + dt.timedelta(days=int(conf.get("APC_INITIAL_ASSESSMENT_DAYS")))


def initial_assessment_status(*, due: dt.date | None, done_on: dt.date | None, on: dt.date) -> str:
    """"done", "overdue", "due_soon" (within the reminder window), "pending" or "" (not due)."""
    if done_on is not None:
        return "done"
    if due is None:
        return ""
    if on > due:
        return "overdue"
    if on >= due - dt.timedelta(days=int(conf.get("APC_INITIAL_ASSESSMENT_REMINDER_DAYS"))):
        return "due_soon"
    return "pending"


def initial_assessment_reminder_times(due: dt.date) -> dict[str, dt.datetime]:
    """When the provider is reminded of an assessment due on `due` (the "initial_assessment"
    ladder's anchors): "due_soon" at the start, in England, of the first day of the reminder window;
    "overdue" at the start of the day after `due`. Times already past are simply due at once."""
    window = dt.timedelta(days=int(conf.get("APC_INITIAL_ASSESSMENT_REMINDER_DAYS")))
    return {"due_soon": london(due - window, MIDNIGHT), "overdue": london(due + dt.timedelta(days=1), MIDNIGHT)}


def needs_destination(*, year_group: int, destination: str) -> bool:
    """Year 11 pupils in or leaving AP must have a recorded next destination (seed 001 §8, 003)."""
    return year_group == 11 and not destination


def effective_from_problems(*, version: int, effective_from: dt.date | None, on: dt.date,
                            previous_from: dt.date | None) -> list[str]:
    """What stops a later agreement version's 'takes effect from' date (version 1 takes effect from
    its start date and is not asked): it is needed, today or later when agreed, and not before the
    date the previous version took effect."""
    if version <= 1:
        return []
    if effective_from is None:
        return ["Enter the date this version takes effect from"]
    if effective_from < on:
        return [f"The date this version takes effect from must be today ({on:%-d %B %Y}) or later"]
    if previous_from is not None and effective_from < previous_from:
        return [f"The date this version takes effect from must be on or after {previous_from:%-d %B %Y}, "
                "when the previous version took effect"]
    return []
