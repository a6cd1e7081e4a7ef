"""Invoice arithmetic as pure rules (no database): what each costing basis counts from the sessions
of a period, line and VAT amounts to the penny, totals and flags.

Costing bases (slas.models.RateUnit) and the quantity a line is supported by:

* per session delivered — sessions the pupil attended (marked present or late);
* per day attended — distinct days with an attended session;
* per agreed hour — hours of the sessions booked (expected) in the period, attended or not: the
  timetable is the agreed hours;
* per pupil per week booked — weeks (Monday to Sunday) with a session booked for the pupil;
* per week booked — weeks with a session booked for any pupil of the SLA (one line for the SLA);
* fixed per term — terms with a session booked (one line for the SLA): autumn is September to
  December, spring January to March, summer April to August (an approximation of the school's
  own term dates, which a provider cannot read; the provider may change the quantity).

"Booked" sessions are every expected session in the period except those marked not required.
A quantity above the supported one is flagged, with the difference, to both sides.
Amounts: quantity × unit price rounded half up to the penny per line; VAT per line at the SLA's
rate, rounded half up; the invoice's VAT is the sum of its lines' (so every exported line adds up
to the invoice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")

SESSION, DAY, HOUR, WEEK, PUPIL_WEEK, TERM = "session", "day", "hour", "week", "pupil_week", "term"
# Bases charged for the SLA as a whole (one line) rather than per placement.
SLA_LEVEL_BASES = frozenset({WEEK, TERM})


def money(value: Decimal) -> Decimal:
    """Pounds to the penny, half up (0.005 → 0.01)."""
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def line_net(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return money(Decimal(quantity) * Decimal(unit_price))


def line_vat(net: Decimal, vat_rate: Decimal) -> Decimal:
    """VAT on one line at `vat_rate` per cent."""
    return money(Decimal(net) * Decimal(vat_rate) / 100)


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    gross: Decimal


def totals(lines: Iterable[tuple[Decimal, Decimal]]) -> Totals:
    """(net, vat) per line → the invoice's totals."""
    net = vat = ZERO
    for line_net_amount, line_vat_amount in lines:
        net += line_net_amount
        vat += line_vat_amount
    return Totals(money(net), money(vat), money(net + vat))


@dataclass(frozen=True)
class SessionFact:
    """What an invoice needs of one expected session."""

    date: dt.date
    hours: Decimal
    attended: bool
    booked: bool  # expected (anything but "not required")


@dataclass(frozen=True)
class Quantities:
    supported: Decimal  # what the sessions support under the basis
    attended_sessions: int
    expected_sessions: int


def term_of(day: dt.date) -> tuple[int, str]:
    """(academic year, term) of a date by the approximation in the module docstring."""
    if day.month >= 9:
        return day.year, "autumn"
    if day.month <= 3:
        return day.year - 1, "spring"
    return day.year - 1, "summer"


def hours_between(starts_at: dt.datetime, ends_at: dt.datetime) -> Decimal:
    return (Decimal((ends_at - starts_at).total_seconds()) / 3600).quantize(PENNY, rounding=ROUND_HALF_UP)


def basis_quantities(basis: str, sessions: Iterable[SessionFact]) -> Quantities:
    """The supported quantity under `basis` from the period's sessions (one placement's, or the
    whole SLA's for the SLA-level bases), with the attended and expected session counts."""
    sessions = list(sessions)
    attended = [s for s in sessions if s.attended]
    booked = [s for s in sessions if s.booked]
    if basis == SESSION:
        supported = Decimal(len(attended))
    elif basis == DAY:
        supported = Decimal(len({s.date for s in attended}))
    elif basis == HOUR:
        supported = sum((s.hours for s in booked), ZERO)
    elif basis in (WEEK, PUPIL_WEEK):
        supported = Decimal(len({s.date.isocalendar()[:2] for s in booked}))
    elif basis == TERM:
        supported = Decimal(len({term_of(s.date) for s in booked}))
    else:
        raise ValueError(f"Unknown costing basis {basis!r}")
    return Quantities(money(supported), len(attended), len(booked))


UNIT_WORDS = {SESSION: ("session", "sessions"), DAY: ("day", "days"), HOUR: ("hour", "hours"),
              WEEK: ("week", "weeks"), PUPIL_WEEK: ("week", "weeks"), TERM: ("term", "terms")}


def unit_word(basis: str, quantity: Decimal) -> str:
    one, many = UNIT_WORDS.get(basis, ("unit", "units"))
    return one if quantity == 1 else many


def flagged(quantity: Decimal, supported: Decimal) -> bool:
    return Decimal(quantity) > Decimal(supported)


def periods_overlap(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> bool:
    return a_start <= b_end and b_start <= a_end
