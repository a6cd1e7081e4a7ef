"""Termly report rules (issue 12 item 5), pure functions of rows already read (tests feed them).

* Terms: each term row of the school's calendar (its own rows for a year if it has any, else its
  LA's: attendance.calendar's rule, as the visit windows use) is one report period.
* Due date: the term's last school day (INSET, closures and bank holidays are not school days), or
  `APC_TERMLY_REPORT_DUE_SCHOOL_DAYS_BEFORE_END` school days before it (default 0: the last day).
* A fair start: a placement active for fewer than monitoring.rules.MIN_SCHOOL_DAYS of a term's
  school days owes no report for that term (it arrived at the very end, or left at the start).
* The ladder's anchors (07:00 in England):
  "reminder" REMINDER_SCHOOL_DAYS school days before the due date → the provider;
  "overdue"  the day after the due date → the provider;
  "escalate" the ESCALATE_SCHOOL_DAYS-th school day after the due date → the provider's managers
             and the school's AP lead.
* Attendance commentary is required when the term's attendance is below 100 % (seed 004).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from apcommission.clock import london

REMINDER_SCHOOL_DAYS = 5  # the reminder: this many school days before the due date
ESCALATE_SCHOOL_DAYS = 5  # the provider's managers and the school's AP lead: on this school day after it
STEP_TIME = dt.time(7, 0)
ONE_DAY = dt.timedelta(days=1)
FULL_ATTENDANCE = Decimal(100)


def due_days_before_end() -> int:
    """School days before the term's last school day that a report is due (0: on the last day)."""
    return int(getattr(settings, "APC_TERMLY_REPORT_DUE_SCHOOL_DAYS_BEFORE_END", 0))


@dataclass(frozen=True)
class Term:
    start: dt.date
    end: dt.date

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def terms_from_rows(term_rows: Iterable[tuple], *, school_id: int, la_id: int | None) -> list[Term]:
    """The terms of a school from TERM_ROW tuples (organisation_id, academic_year, start_date,
    end_date, half_term_start, half_term_end) of the school and its LA, in date order."""
    rows = [row for row in term_rows if row[0] in (school_id, la_id)]
    own_years = {year for org_id, year, *_ in rows if org_id == school_id}
    terms = [Term(start, end) for org_id, year, start, end, *_ in rows if (org_id == school_id) == (year in own_years)]
    return sorted(terms, key=lambda t: t.start)


def term_on(terms: Sequence[Term], day: dt.date) -> Term | None:
    return next((t for t in terms if t.holds(day)), None)


def due_date(term_days: Sequence[dt.date]) -> dt.date:
    """The due date from the term's school days: its last, or N school days before it."""
    if not term_days:
        raise ValueError("a term with no school days has no report due")
    return term_days[max(len(term_days) - 1 - due_days_before_end(), 0)]


def ladder_anchors(term_days: Sequence[dt.date], days_after: Sequence[dt.date]) -> dict[str, dt.datetime]:
    """The "termly_report_due" anchors from the term's school days and the school days after it."""
    due = due_date(term_days)
    before = [day for day in term_days if day < due]
    reminder = before[-REMINDER_SCHOOL_DAYS] if len(before) >= REMINDER_SCHOOL_DAYS else (before[0] if before else due)
    after = [day for day in days_after if day > due]
    escalate = after[ESCALATE_SCHOOL_DAYS - 1] if len(after) >= ESCALATE_SCHOOL_DAYS else due + dt.timedelta(days=7)
    return {"reminder": london(reminder, STEP_TIME), "overdue": london(due + ONE_DAY, STEP_TIME),
            "escalate": london(escalate, STEP_TIME)}


def commentary_required(attendance_percent: Decimal | None) -> bool:
    return attendance_percent is not None and attendance_percent < FULL_ATTENDANCE


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in (weekly behaviour updates)."""
    return day - dt.timedelta(days=day.weekday())


def term_label(start: dt.date) -> str:
    """"Autumn term 2026", from the month the term starts in."""
    name = "Autumn" if start.month >= 8 else "Spring" if start.month <= 3 else "Summer"
    return f"{name} term {start.year}"
