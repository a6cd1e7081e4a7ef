"""The LA's view of every child in AP (issue 14 item 2, seed 001 §14): its rules as plain functions.

What a column means, how a row is sorted, which half term "this half term" is when a placement has
no visit window yet, and how a row reads in an export. The database work is in oversight/area.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from attendance.rules import DEFAULT_TARGET  # the school's default below-target line (90 %)
from monitoring.rules import Window, window_on, windows_from_rows

# The attendance line the LA filters on unless it chooses another (the schools' default target).
DEFAULT_THRESHOLD = DEFAULT_TARGET
PAGE_SIZE = 50

# sort key (GET ?sort=) -> (column heading, the fields it orders by ascending)
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pupil": ("Pupil", ("pupil__last_name", "pupil__first_name")),
    "school": ("School", ("school__name",)),
    "provider": ("Provider", ("provider__name",)),
    "hours": ("Hours a week", ("weekly_hours",)),
    # More weeks in placement = an earlier start: ascending weeks is descending start date.
    "weeks": ("Weeks in placement", ("-start_date",)),
    "attendance": ("Attendance this half term", ("attendance_sort",)),
    "visits": ("Overdue visits", ("overdue_visits",)),
    "registers": ("Registers not received", ("missing_registers",)),
}
DEFAULT_SORT = "pupil"


def order_by(sort: str, descending: bool) -> list[str]:
    """The ORDER BY of a sort key; unknown keys sort by pupil. Equal values sort by the pupil's name,
    and ties end on the primary key, so pages never repeat or skip a row."""
    key = sort if sort in SORTS else DEFAULT_SORT
    fields = SORTS[key][1]
    if descending:
        fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
    then = SORTS[DEFAULT_SORT][1] if key != DEFAULT_SORT else ()  # equal values: by pupil's name
    return [*fields, *then, "-pk" if descending else "pk"]


def weeks_in_placement(start: dt.date | None, today: dt.date) -> int | None:
    """Whole weeks from the start date to today (0 in its first week; None before a start date)."""
    if start is None:
        return None
    return max((today - start).days, 0) // 7


def half_term_start(term_rows: Iterable[tuple], *, la_id: int, today: dt.date) -> dt.date | None:
    """The first day of the LA's half-term window holding `today`, else of the last one that started
    before it (a half-term holiday reads the half term just ended); None without term dates.

    Each placement reads its own school's window (monitoring's visit windows) when it has one: this
    is the fallback for a placement whose window the daily job has not opened yet."""
    windows: Sequence[Window] = windows_from_rows(term_rows, school_id=la_id, la_id=None)
    current = window_on(windows, today)
    if current is not None:
        return current.start
    started = [w.start for w in windows if w.start <= today]
    return max(started) if started else None


def below_threshold(attended: int, expected: int, threshold: int) -> bool:
    """Strictly below the line, exactly (attendance.rules.below_target); nothing expected is not below."""
    return expected > 0 and attended * 100 < threshold * expected


EXPORT_HEADER = (
    "Pupil", "UPN", "Year group", "School", "Provider", "Provider registration", "LA approval status",
    "Registration code", "Start date", "Weeks in placement", "Hours a week at the provider", "Part-time",
    "Attendance this half term (%)", "Sessions attended", "Sessions expected", "Overdue visits",
    "Registers not received", "Open emergency review",
)


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"
