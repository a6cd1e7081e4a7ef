"""Trust, school and governors' reports (issue 14 item 3; seeds 002 "governors", 004): the figures, as
plain functions of rows already read (oversight/reports_selectors.py reads them; the tests feed them).

* Period: a term of the school's calendar (its own dates for a year if it sets any, else its LA's;
  attendance.calendar's rule), either half of it, or the academic year. The default is the term
  today falls in, else the last term that started before today, else the academic year (1 August to
  31 July). A trust's schools may keep different dates: a trust's term runs from the earliest first
  day to the latest last day its schools have for it.
* In the period: placements that started on or before its last day and had not ended before its
  first (active, in emergency review, suspended or ended).
* "By reason": the reason for referral is special-category detail (DataGroup.REFERRAL_REASON) that a
  trust does not read, and free text. Reports group placements instead by how they were arranged
  (the registration code: B school, D dual registered, K the LA) and, for those that ended in the
  period, by why they ended (the end reason), for every reader alike.
* Attendance: attended / expected sessions dated in the period (attendance.rules' definitions).
* Outcomes and destinations: placements that ended in the period, by destination.
* Length of placement: weeks from the first day to the last (ended), or to the period's end or today,
  whichever is earlier (still running).
* Value for money: authorised invoice spend (finance.api.spend_by_placement) over the placements that
  have any, per placement and per attended hour (hours of attended sessions in the period).
  Aggregates only (per school, per provider, in total); a pupil's own cost goes only to readers of
  DataGroup.COSTS (reports_selectors decides who).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from attendance import rules as attendance_rules
from attendance.calendar import academic_year_of
from placements.models.choices import Destination, EndReason, RegistrationCode

PENNY = Decimal("0.01")
TERMS = {"autumn": "Autumn term", "spring": "Spring term", "summer": "Summer term"}
NOT_RECORDED = "Not recorded"


# --- Periods ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    key: str  # "2026-autumn", "2026-autumn-1" (first half), "2026-autumn-2", "2026" (academic year)
    label: str  # "Autumn term 2026/27", "Autumn term 2026/27, first half", "Academic year 2026/27"
    start: dt.date
    end: dt.date

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def academic_year(year: int) -> Period:
    return Period(str(year), f"Academic year {_year_label(year)}", dt.date(year, 8, 1), dt.date(year + 1, 7, 31))


# The columns `school_terms` reads (values_list order).
TERM_COLUMNS = ("organisation_id", "academic_year", "term", "start_date", "end_date", "half_term_start",
                "half_term_end")


def school_terms(rows: Iterable[tuple], *, school_id: int, la_id: int | None) -> list[tuple]:
    """A school's term rows (TERM_COLUMNS) from its own and its LA's: per academic year its own if it
    has any, else its LA's (attendance.calendar's rule)."""
    rows = [row for row in rows if row[0] in (school_id, la_id)]
    own_years = {row[1] for row in rows if row[0] == school_id}
    return [row for row in rows if (row[0] == school_id) == (row[1] in own_years)]


def periods_from_terms(rows: Iterable[tuple]) -> list[Period]:
    """Every period the term rows (TERM_COLUMNS, of one school or of a trust's schools) offer, in date
    order: each academic year, then its terms, each followed by its halves when it has a half term."""
    spans: dict[tuple[int, str], list] = {}
    for _org, year, term, start, end, half_start, half_end in rows:
        span = spans.setdefault((year, term), [start, end, half_start, half_end])
        span[0], span[1] = min(span[0], start), max(span[1], end)
        if span[2] is None and half_start is not None:
            span[2], span[3] = half_start, half_end
    periods: list[Period] = []
    for year in sorted({year for year, _term in spans}):
        periods.append(academic_year(year))
        terms = sorted(((k, v) for k, v in spans.items() if k[0] == year), key=lambda kv: kv[1][0])
        for (_, term), (start, end, half_start, half_end) in terms:
            name = f"{TERMS.get(term, term)} {_year_label(year)}"
            periods.append(Period(f"{year}-{term}", name, start, end))
            if half_start is not None and start < half_start and half_end < end:
                periods.append(Period(f"{year}-{term}-1", f"{name}, first half", start,
                                      half_start - dt.timedelta(days=1)))
                periods.append(Period(f"{year}-{term}-2", f"{name}, second half", half_end + dt.timedelta(days=1),
                                      end))
    return periods


def period_choices(periods: Sequence[Period], today: dt.date) -> list[Period]:
    """The periods offered: those given, or (with no term dates at all) this academic year."""
    return list(periods) or [academic_year(academic_year_of(today))]


def default_period(periods: Sequence[Period], today: dt.date) -> Period:
    """The term today falls in, else the last term started before today, else the first period offered."""
    terms = [p for p in periods if p.key.count("-") == 1]
    current = [t for t in terms if t.holds(today)]
    if current:
        return current[0]
    started = [t for t in terms if t.start <= today]
    if started:
        return max(started, key=lambda t: t.start)
    return periods[0]


def chosen_period(periods: Sequence[Period], key: str | None, today: dt.date) -> Period:
    """The period `?period=` names among those offered, else the default."""
    return next((p for p in periods if p.key == key), None) or default_period(periods, today)


# --- Figures -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlacementRow:
    """What a report reads of one placement (reports_selectors builds these)."""

    pk: int
    school_id: int
    provider: str
    registration_code: str
    start_date: dt.date
    ended_on: dt.date | None
    end_reason: str
    destination: str


@dataclass(frozen=True)
class SessionCount:
    """Sessions of one placement in one week of the period (Monday), already counted."""

    placement_id: int
    week: dt.date
    attended: int
    expected: int
    attended_minutes: int


@dataclass
class Figures:
    """Counts and money for a group of placements (a school, a provider, the whole report)."""

    placements: int = 0
    attended: int = 0
    expected: int = 0
    attended_minutes: int = 0
    spend: Decimal = Decimal(0)
    with_spend: int = 0  # placements with any authorised spend
    minutes_with_spend: int = 0  # attended minutes of those placements

    @property
    def percent(self) -> Decimal | None:
        return attendance_rules.percent(self.attended, self.expected)

    @property
    def attended_hours(self) -> Decimal:
        return (Decimal(self.attended_minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def has_spend(self) -> bool:
        return self.with_spend > 0

    @property
    def cost_per_placement(self) -> Decimal | None:
        if not self.with_spend:
            return None
        return (self.spend / self.with_spend).quantize(PENNY, rounding=ROUND_HALF_UP)

    @property
    def cost_per_hour(self) -> Decimal | None:
        if not self.with_spend or not self.minutes_with_spend:
            return None
        return (self.spend * 60 / self.minutes_with_spend).quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Length:
    ended: int
    ended_weeks: Decimal | None  # average length of the placements that ended in the period
    running: int
    running_weeks: Decimal | None  # average length so far of those still running at its end


def weeks_between(start: dt.date, end: dt.date) -> Decimal:
    return (Decimal((end - start).days + 1) / 7).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _average(values: Sequence[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if values else None


def length_of(rows: Iterable[PlacementRow], period: Period, today: dt.date) -> Length:
    ended, running = [], []
    upto = min(period.end, today)
    for row in rows:
        if row.ended_on is not None and period.holds(row.ended_on):
            ended.append(weeks_between(row.start_date, row.ended_on))
        elif row.ended_on is None or row.ended_on > period.end:
            running.append(weeks_between(row.start_date, max(upto, row.start_date)))
    return Length(len(ended), _average(ended), len(running), _average(running))


@dataclass
class Report:
    period: Period
    total: Figures
    by_school: dict[int, Figures]
    by_provider: list[tuple[str, Figures]]  # by name
    by_code: list[tuple[str, int]]  # registration code label, placements
    end_reasons: list[tuple[str, int]]  # ended in the period
    destinations: list[tuple[str, int]]  # ended in the period, every destination listed
    length: Length
    weeks: dict[int, list[attendance_rules.WeekFigure]]  # school id -> the period's weeks
    per_placement: dict[int, Figures] = field(default_factory=dict)

    @property
    def ended(self) -> int:
        return sum(n for _, n in self.destinations)


def _add(figures: Figures, *, attended=0, expected=0, minutes=0) -> None:
    figures.attended += attended
    figures.expected += expected
    figures.attended_minutes += minutes


def build_report(period: Period, rows: Sequence[PlacementRow], sessions: Iterable[SessionCount],
                 spend: Mapping[int, Decimal], *, today: dt.date) -> Report:
    """Every figure of a report from the period's placements, their session counts and their spend."""
    per_placement = {row.pk: Figures(placements=1) for row in rows}
    weekly: dict[int, dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    school_of = {row.pk: row.school_id for row in rows}
    for s in sessions:
        if s.placement_id not in per_placement:
            continue  # a session of a placement outside the period's list (not started yet): left out
        _add(per_placement[s.placement_id], attended=s.attended, expected=s.expected, minutes=s.attended_minutes)
        week = weekly[school_of[s.placement_id]][s.week]
        week[0] += s.attended
        week[1] += s.expected
    for pk, amount in spend.items():
        if pk in per_placement and amount:
            figures = per_placement[pk]
            figures.spend, figures.with_spend = Decimal(amount), 1
            figures.minutes_with_spend = figures.attended_minutes

    def combine(pks: Iterable[int]) -> Figures:
        total = Figures()
        for pk in pks:
            one = per_placement[pk]
            total.placements += one.placements
            _add(total, attended=one.attended, expected=one.expected, minutes=one.attended_minutes)
            total.spend += one.spend
            total.with_spend += one.with_spend
            total.minutes_with_spend += one.minutes_with_spend
        return total

    schools: dict[int, list[int]] = defaultdict(list)
    providers: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        schools[row.school_id].append(row.pk)
        providers[row.provider].append(row.pk)
    ended = [row for row in rows if row.ended_on is not None and period.holds(row.ended_on)]
    codes = Counter(row.registration_code for row in rows)
    reasons = Counter(row.end_reason for row in ended)
    destinations = Counter(row.destination for row in ended)
    weeks = {school: attendance_rules.week_buckets({w: tuple(v) for w, v in counts.items()},
                                                    first=period.start, last=period.end)
             for school, counts in weekly.items()}
    return Report(
        period=period, total=combine(per_placement), by_school={s: combine(pks) for s, pks in schools.items()},
        by_provider=[(name, combine(providers[name])) for name in sorted(providers, key=str.casefold)],
        by_code=[(label, codes[code]) for code, label in RegistrationCode.choices if codes[code]],
        end_reasons=[(label, reasons[value]) for value, label in EndReason.choices if reasons[value]]
        + ([(NOT_RECORDED, reasons[""])] if reasons[""] else []),
        destinations=[(label, destinations[value]) for value, label in Destination.choices]
        + ([(NOT_RECORDED, destinations[""])] if destinations[""] else []),
        length=length_of(rows, period, today), weeks=weeks, per_placement=per_placement)
