"""Data builders for the LA's children-in-AP tests (no tests here).

`add_children` writes pupils and placements in AP directly (bulk, for the 10 → 1,000 row query
test and for filter cases whose lifecycle other tests cover); `sessions` marks a placement's
sessions; `window` gives a placement its half-term visit window.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from apcommission.clock import london
from attendance.models import ExpectedSession, Register
from monitoring.models import VisitWindow
from placements.factories import make_upn
from placements.models import Placement, Pupil
from placements.models.choices import State
from tenancy.scoping import scopes_disabled

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # a Wednesday in the second autumn half term
TODAY = NOW.date()
HALF_TERM_START = dt.date(2026, 11, 2)
_upns = itertools.count(700_000)


def add_children(school, provider, n: int, *, last_name: str = "Bulk", state: str = State.ACTIVE,
                 start: dt.date = dt.date(2026, 9, 7), hours: Decimal = Decimal("15"), part_time: bool = False,
                 registration_code: str = "B") -> list[Placement]:
    with scopes_disabled():
        pupils = Pupil.objects.bulk_create([
            Pupil(school=school, first_name=f"Child{i}", last_name=last_name, date_of_birth=dt.date(2011, 5, 1),
                  upn=make_upn(next(_upns)), year_group=10) for i in range(n)])
        return Placement.objects.bulk_create([
            Placement(school=school, pupil=p, provider=provider, state=state, start_date=start, weekly_hours=hours,
                      total_weekly_hours=hours + 10, part_time=part_time, registration_code=registration_code,
                      activated_at=NOW, **_ended(state)) for p in pupils])


def _ended(state: str) -> dict:
    return {"ended_on": dt.date(2026, 11, 20), "end_reason": "completed"} if state == State.ENDED else {}


def sessions(placement, marks: list[str], *, first: dt.date = HALF_TERM_START) -> None:
    """One morning session a school day from `first` for each mark ("" = no register received)."""
    day = first
    with scopes_disabled():
        for mark in marks:
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            starts = london(day, dt.time(9))
            register, _ = Register.objects.get_or_create(
                provider_id=placement.provider_id, starts_at=starts,
                defaults={"date": day, "ends_at": starts + dt.timedelta(hours=3),
                          "due_at": starts + dt.timedelta(minutes=30)})
            ExpectedSession.objects.create(
                placement=placement, pupil_id=placement.pupil_id, school_id=placement.school_id,
                provider_id=placement.provider_id, register=register, date=day, part="am", starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3), due_at=starts + dt.timedelta(minutes=30), mark=mark,
                absence_reason="ill" if mark == "absent" else "",
                minutes_late=5 if mark == "late" else None)
            day += dt.timedelta(days=1)


def window(placement, start: dt.date, end: dt.date, *, required: int = 1, met: bool = False) -> VisitWindow:
    with scopes_disabled():
        return VisitWindow.objects.create(placement=placement, school_id=placement.school_id,
                                          provider_id=placement.provider_id, start=start, end=end,
                                          required=required, met_at=NOW if met else None)
