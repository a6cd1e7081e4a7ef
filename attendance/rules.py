"""What the school sees of attendance, as pure rules (no database): the code its register carries
for each session the pupil was expected at the provider, attended / expected percentages, weeks and
the below-target flag (issue 11 item 4; DOMAIN.md §1).

The selectors in attendance/reports.py count in the database with `expected_q` and `attended_q`,
the same definitions as `counts_for` here (a test checks they agree).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q

from apcommission import charts
from placements.models.choices import RegistrationCode

from .models import AttendanceSettings, Mark

ATTENDED_MARKS = (Mark.PRESENT, Mark.LATE)
MARKED = (Mark.PRESENT, Mark.LATE, Mark.ABSENT)
REGISTER_NOT_RECEIVED = "Register not received"
# A school without an AttendanceSettings row flags placements below the model's default (90 %).
DEFAULT_TARGET = AttendanceSettings._meta.get_field("target_percent").default


class AbsenceCode(models.TextChoices):
    """The DfE codes a school may choose for a session its pupil missed at the provider
    (DOMAIN.md §1: authorised, unauthorised and the not-possible Q and Y codes). N until it decides."""

    I = "I", "I – Illness (physical or mental)"  # noqa: E741 (the DfE's own letter)
    M = "M", "M – Medical or dental appointment"
    R = "R", "R – Religious observance"
    S = "S", "S – Study leave"
    T = "T", "T – Parent travelling for occupational purposes"
    C = "C", "C – Leave in exceptional circumstances"
    C1 = "C1", "C1 – Regulated performance or employment abroad"
    C2 = "C2", "C2 – Temporary part-time timetable"
    J1 = "J1", "J1 – Interview (job or another institution)"
    E = "E", "E – Suspended or excluded, no alternative provision arranged"
    Q = "Q", "Q – Lack of access arrangements (for example no LA transport)"
    Y1 = "Y1", "Y1 – Transport normally provided not available"
    Y2 = "Y2", "Y2 – Widespread travel disruption"
    Y3 = "Y3", "Y3 – Part of the premises closed"
    Y4 = "Y4", "Y4 – Whole site unexpectedly closed"
    Y5 = "Y5", "Y5 – Criminal justice detention"
    Y6 = "Y6", "Y6 – Public health guidance or law"
    Y7 = "Y7", "Y7 – Any other unavoidable cause"
    G = "G", "G – Holiday not granted"
    O = "O", "O – Other or unknown circumstances"  # noqa: E741
    U = "U", "U – Arrived after the register closed"
    N = "N", "N – Reason not yet established"


ATTENDED_MEANING = {
    RegistrationCode.B: "Attended alternative provision the school arranged",
    RegistrationCode.K: "Attended provision the local authority arranged",
    RegistrationCode.D: "Dual registered: the other school records attendance",
}


@dataclass(frozen=True)
class SchoolCode:
    """The code the home school's register carries for one session, and what it means."""

    code: str  # "B", "K", "D", an absence code, "N"; "-" not a possible session; "" not taken yet
    meaning: str
    minutes_late: int | None = None
    register_missing: bool = False  # past due with no mark: "Register not received"

    @property
    def needs_school_code(self) -> bool:
        """An absence still waiting for the school's own code (N until it decides)."""
        return self.code == AbsenceCode.N and not self.register_missing


def school_code(session, placement, *, now: dt.datetime) -> SchoolCode:
    """The school's code for `session` (an ExpectedSession or anything with mark, minutes_late,
    school_code and due_at) of `placement` (anything with registration_code).

    Attended (present or late) → B when the school arranged the provision, K when the LA did, D for
    a dual-registered pupil (the main school records D for sessions at the other school; late keeps
    the code and notes the minutes). Absent → the school's chosen absence code, N until it chooses
    (D placements: D, the other school records the absence). Not required → "-" (not a possible
    session). No mark once the register is due → N, "Register not received"; before → not taken yet.
    """
    registration = placement.registration_code
    dual = registration == RegistrationCode.D
    mark = session.mark
    if mark == Mark.NOT_REQUIRED:
        return SchoolCode("-", "Not required: not a possible session")
    if mark in ATTENDED_MARKS:
        meaning = ATTENDED_MEANING.get(registration, ATTENDED_MEANING[RegistrationCode.B])
        late = session.minutes_late if mark == Mark.LATE else None
        if late:
            meaning = f"{meaning}; late by {late} minute{'s' if late != 1 else ''}"
        return SchoolCode(registration if registration in ATTENDED_MEANING else RegistrationCode.B, meaning, late)
    if mark == Mark.ABSENT:
        if dual:
            return SchoolCode(RegistrationCode.D, "Dual registered: absent, the other school records the absence")
        chosen = session.school_code or AbsenceCode.N
        label = AbsenceCode(chosen).label if chosen in AbsenceCode.values else chosen
        return SchoolCode(chosen, f"Absent: {label.split(' – ', 1)[-1]}")
    if session.due_at <= now:
        return SchoolCode(RegistrationCode.D if dual else AbsenceCode.N, REGISTER_NOT_RECEIVED, register_missing=True)
    return SchoolCode("", "Register not taken yet")


def can_choose_code(session, placement) -> bool:
    """The school chooses its own code only for an absence (and not for a dual-registered pupil,
    whose other school records it)."""
    return session.mark == Mark.ABSENT and placement.registration_code != RegistrationCode.D


# --- Percentages ---------------------------------------------------------------------------

def counts_for(mark: str, due_at: dt.datetime, *, now: dt.datetime) -> tuple[bool, bool]:
    """(expected, attended) for one session: expected when marked present, late or absent, or when
    its register was due and no mark came (a missing register is not attendance); never when not
    required, nor a session whose register is not due yet."""
    if mark in MARKED:
        return True, mark in ATTENDED_MARKS
    if mark == "" and due_at <= now:
        return True, False
    return False, False


def expected_q(now: dt.datetime, prefix: str = "") -> Q:
    """`counts_for(...)[0]` as a database filter on ExpectedSession (or through `prefix`)."""
    return Q(**{f"{prefix}mark__in": MARKED}) | Q(**{f"{prefix}mark": "", f"{prefix}due_at__lte": now})


def attended_q(prefix: str = "") -> Q:
    """`counts_for(...)[1]` as a database filter."""
    return Q(**{f"{prefix}mark__in": ATTENDED_MARKS})


def percent(attended: int, expected: int) -> Decimal | None:
    """Attended / expected as a percentage to one decimal place (half up); None with nothing expected."""
    if not expected:
        return None
    return (Decimal(attended) * 100 / Decimal(expected)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def target_of(settings_row) -> int:
    """The school's below-target line: its AttendanceSettings, else the default."""
    return settings_row.target_percent if settings_row is not None else DEFAULT_TARGET


def below_target(attended: int, expected: int, target: int) -> bool:
    """Strictly below the target (exact arithmetic: 89.95 % is below 90 % even though it shows 90.0 %).
    Nothing expected yet is not below target."""
    return expected > 0 and attended * 100 < target * expected


@dataclass(frozen=True)
class Figures:
    attended: int
    expected: int
    target: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.attended, self.expected)

    @property
    def below_target(self) -> bool:
        return below_target(self.attended, self.expected, self.target)

    @property
    def missed(self) -> int:
        return self.expected - self.attended


# --- Weeks -----------------------------------------------------------------------------------

def week_start(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week `day` falls in."""
    monday = week_start(day)
    return monday, monday + dt.timedelta(days=6)


def last_week(today: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week before the one `today` falls in."""
    return week_of(week_start(today) - dt.timedelta(days=7))


@dataclass(frozen=True)
class WeekFigure:
    week_start: dt.date
    attended: int
    expected: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.attended, self.expected)


def week_buckets(counts: Mapping[dt.date, tuple[int, int]], *, first: dt.date, last: dt.date) -> list[WeekFigure]:
    """One figure per week from the week of `first` to the week of `last`, in order; `counts` maps
    a Monday to (attended, expected) and weeks it lacks (half term, holidays) show nothing expected."""
    weeks = []
    monday, end = week_start(first), week_start(last)
    while monday <= end:
        attended, expected = counts.get(monday, (0, 0))
        weeks.append(WeekFigure(monday, attended, expected))
        monday += dt.timedelta(days=7)
    return weeks


# --- The register an MIS imports ---------------------------------------------------------------

def register_parts(part: str) -> tuple[str, ...]:
    """The school's register sessions a provider session covers: AM, PM, or both for all day."""
    return {"am": ("AM",), "pm": ("PM",)}.get(part, ("AM", "PM"))


# --- The week-by-week chart (apcommission.charts draws it: templates/includes/chart.html) ---------

def week_bars(weeks: list[WeekFigure], *, target: int) -> list[charts.Datum]:
    """Each week as a chart bar: its percentage over the bar, and in the table with "(below target)"
    in words where it is below (the warning colour alone would not say so)."""
    data = []
    for week in weeks:
        low = week.percent is not None and below_target(week.attended, week.expected, target)
        data.append(charts.Datum(
            label=f"{week.week_start:%-d %B %Y}", short=f"{week.week_start:%-d %b}",
            value=week.percent, text=f"{week.percent:.0f}%" if week.percent is not None else "None",
            cells=(str(week.attended), str(week.expected)),
            table_text=(f"{week.percent}%" + (" (below target)" if low else "")) if week.percent is not None
            else "No sessions",
            flagged=low))
    return data


WEEK_COLUMNS = ("Week starting", "Attended", "Expected", "Attendance")


def percent_tick(value: float) -> str:
    return f"{value:.0f}%"


def chart(weeks: list[WeekFigure], *, target: int) -> charts.Chart:
    """Bars of each week's attendance, the percentage written over every bar (no meaning in colour
    alone), a dashed target line with its label, a text description, and the same figures as a table."""
    data = week_bars(weeks, target=target)
    return charts.vertical_bars(
        data, slug="weeks", title="Attendance week by week", description=chart_description(weeks, target=target),
        caption=f"Each bar is one week's attendance, with its percentage written above it; the dashed line is "
                f"the school's target of {target}%.",
        columns=WEEK_COLUMNS, top=100, target=target, target_text=f"Target {target}%", tick_format=percent_tick)


def chart_description(weeks: list[WeekFigure], *, target: int) -> str:
    """What the chart shows, in words."""
    counted = [w for w in weeks if w.percent is not None]
    if not counted:
        return "No sessions have been counted yet."
    low = min(counted, key=lambda w: (w.percent, w.week_start))
    high = max(counted, key=lambda w: (w.percent, -w.week_start.toordinal()))
    below = sum(1 for w in counted if below_target(w.attended, w.expected, target))
    return (f"Attendance each week from the week of {weeks[0].week_start:%-d %B %Y} to the week of "
            f"{weeks[-1].week_start:%-d %B %Y}. Lowest {low.percent}% (week of {low.week_start:%-d %B}), "
            f"highest {high.percent}% (week of {high.week_start:%-d %B}). {below} of {len(counted)} weeks "
            f"below the target of {target}%. The table gives every week's figures.")
