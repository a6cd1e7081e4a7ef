"""The visit rules, as pure functions of rows already read (tests feed them directly).

* Half-term windows: each term of the school's calendar (its own rows for a year if it has any,
  else its LA's — attendance.calendar's rule) gives two windows, from the first day of term to the
  day before half term and from the day after half term to the last day; a term without a half
  term is one window.
* A fair start: a placement active for fewer than MIN_SCHOOL_DAYS of a window's school days (it
  started late in the window, or ended early) needs no visit in that window; otherwise the
  window needs the SLA's visits_per_half_term.
* The ladder's anchors (07:00 in England, counted in the school's days):
  "reminder" the school day 10 school days before the window's last school day;
  "overdue"  the window's last school day;
  "head"     the 5th school day after the window (the 5th school day of the next window).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from apcommission.clock import london

MIN_SCHOOL_DAYS = 10  # a window in which the placement is active for fewer of its school days needs no visit
REMINDER_SCHOOL_DAYS = 10  # the reminder: this many school days before the window's last school day
HEAD_SCHOOL_DAYS = 5  # the headteacher: on this school day of the next window
STEP_TIME = dt.time(7, 0)
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def windows_from_rows(term_rows: Iterable[tuple], *, school_id: int, la_id: int | None) -> list[Window]:
    """The half-term windows of a school from TERM_ROW tuples (organisation_id, academic_year,
    start_date, end_date, half_term_start, half_term_end) of the school and its LA, in date order."""
    rows = [row for row in term_rows if row[0] in (school_id, la_id)]
    own_years = {year for org_id, year, *_ in rows if org_id == school_id}
    windows = []
    for org_id, year, start, end, half_start, half_end in rows:
        if (org_id == school_id) != (year in own_years):
            continue
        if half_start and half_end:
            parts = [Window(start, half_start - ONE_DAY), Window(half_end + ONE_DAY, end)]
        else:
            parts = [Window(start, end)]
        windows.extend(w for w in parts if w.start <= w.end)
    return sorted(windows, key=lambda w: w.start)


def window_on(windows: Sequence[Window], day: dt.date) -> Window | None:
    return next((w for w in windows if w.holds(day)), None)


def visits_per_half_term(sla_terms, school_setting: int | None, default: int = 1) -> int:
    """The visits a half term needs: the signed SLA in force says (its number), else the school's
    own setting, else the default (once per half term, seed 000)."""
    if getattr(sla_terms, "sla_id", None) is not None:
        return sla_terms.visits_per_half_term
    return school_setting if school_setting else default


def active_days(window_days: Sequence[dt.date], *, start: dt.date | None, ended: dt.date | None) -> int:
    """How many of a window's school days the placement is active on (from its start date to its end)."""
    return sum(1 for day in window_days if (start is None or day >= start) and (ended is None or day <= ended))


def required_visits(per_half_term: int, days_active: int) -> int:
    """Visits a window needs: the SLA's number, or none when active for fewer than MIN_SCHOOL_DAYS."""
    return per_half_term if days_active >= MIN_SCHOOL_DAYS else 0


def ladder_anchors(window_days: Sequence[dt.date], days_after: Sequence[dt.date]) -> dict[str, dt.datetime]:
    """The "visit_overdue" anchors from the window's school days and the school days after it."""
    if not window_days:
        raise ValueError("a window with no school days has no visit to chase")
    last = window_days[-1]
    reminder = window_days[max(len(window_days) - 1 - REMINDER_SCHOOL_DAYS, 0)]
    head = days_after[HEAD_SCHOOL_DAYS - 1] if len(days_after) >= HEAD_SCHOOL_DAYS else last + dt.timedelta(days=7)
    return {"reminder": london(reminder, STEP_TIME), "overdue": london(last, STEP_TIME), "head": london(head, STEP_TIME)}


class Status:
    MET = "met"
    MET_LATE = "met_late"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_REQUIRED = "not_required"
    UPCOMING = "upcoming"


STATUS_LABELS = {
    Status.MET: "Visited",
    Status.MET_LATE: "Visited late",
    Status.DUE: "Visit due",
    Status.OVERDUE: "Visit overdue",
    Status.NOT_REQUIRED: "No visit needed",
    Status.UPCOMING: "Not started",
}


def window_status(window: Window, *, required: int, visits_in_window: int, visited_after: bool,
                  today: dt.date) -> str:
    """Met, due or overdue (and: not required, not started yet, visited only after it ended)."""
    if required == 0:
        return Status.NOT_REQUIRED
    if visits_in_window >= required:
        return Status.MET
    if today < window.start:
        return Status.UPCOMING
    if today <= window.end:
        return Status.DUE
    return Status.MET_LATE if visited_after else Status.OVERDUE
