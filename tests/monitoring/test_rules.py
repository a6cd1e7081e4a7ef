"""The visit rules as pure functions: half-term windows from term rows (a school's own dates
replace its LA's for that year), the fair start, the ladder's anchors and each window's status."""

from __future__ import annotations

import datetime as dt

import pytest

from apcommission import clock
from monitoring import rules
from monitoring.rules import Status, Window

D = dt.date
SCHOOL, LA = 1, 2
LA_AUTUMN = (LA, 2026, D(2026, 9, 1), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30))
LA_SPRING = (LA, 2026, D(2027, 1, 4), D(2027, 3, 26), D(2027, 2, 15), D(2027, 2, 19))
OWN_AUTUMN = (SCHOOL, 2026, D(2026, 9, 2), D(2026, 12, 16), D(2026, 10, 19), D(2026, 10, 30))
LA_NEXT_YEAR = (LA, 2027, D(2027, 9, 1), D(2027, 12, 17), None, None)


def test_each_term_makes_two_windows_split_by_half_term():
    assert rules.windows_from_rows([LA_AUTUMN, LA_SPRING], school_id=SCHOOL, la_id=LA) == [
        Window(D(2026, 9, 1), D(2026, 10, 25)), Window(D(2026, 10, 31), D(2026, 12, 18)),
        Window(D(2027, 1, 4), D(2027, 2, 14)), Window(D(2027, 2, 20), D(2027, 3, 26))]


def test_a_school_with_its_own_dates_for_a_year_ignores_the_las_that_year_only():
    windows = rules.windows_from_rows([LA_AUTUMN, LA_SPRING, OWN_AUTUMN, LA_NEXT_YEAR], school_id=SCHOOL, la_id=LA)
    assert windows == [Window(D(2026, 9, 2), D(2026, 10, 18)), Window(D(2026, 10, 31), D(2026, 12, 16)),
                       Window(D(2027, 9, 1), D(2027, 12, 17))]


@pytest.mark.parametrize(("days", "required"), [(0, 0), (9, 0), (10, 2), (33, 2)])
def test_fewer_than_ten_active_school_days_need_no_visit(days, required):
    assert rules.required_visits(2, days) == required


def test_active_days_count_from_the_start_to_the_end():
    days = [D(2026, 12, d) for d in (1, 2, 3, 4, 7)]
    assert rules.active_days(days, start=D(2026, 12, 3), ended=None) == 3
    assert rules.active_days(days, start=None, ended=D(2026, 12, 2)) == 2


def test_anchors_count_school_days_not_calendar_days():
    window_days = [D(2026, 11, 2) + dt.timedelta(days=n) for n in range(60)
                   if (D(2026, 11, 2) + dt.timedelta(days=n)).weekday() < 5 and n <= 44]
    after = [D(2027, 1, 5), D(2027, 1, 6), D(2027, 1, 7), D(2027, 1, 8), D(2027, 1, 11), D(2027, 1, 12)]
    anchors = rules.ladder_anchors(window_days, after)
    assert anchors == {"reminder": clock.london(D(2026, 12, 2), dt.time(7)),
                       "overdue": clock.london(D(2026, 12, 16), dt.time(7)),
                       "head": clock.london(D(2027, 1, 11), dt.time(7))}


def test_a_short_window_is_reminded_on_its_first_day():
    days = [D(2026, 12, 14), D(2026, 12, 15)]
    assert rules.ladder_anchors(days, [])["reminder"] == clock.london(D(2026, 12, 14), dt.time(7))


W = Window(D(2026, 11, 2), D(2026, 12, 16))


@pytest.mark.parametrize(("required", "inside", "after", "today", "status"), [
    (0, 0, False, D(2027, 1, 1), Status.NOT_REQUIRED),
    (1, 1, False, D(2026, 11, 20), Status.MET),
    (2, 1, False, D(2026, 11, 20), Status.DUE),
    (1, 0, False, D(2026, 10, 1), Status.UPCOMING),
    (1, 0, False, D(2026, 12, 17), Status.OVERDUE),
    (1, 0, True, D(2027, 1, 8), Status.MET_LATE),
])
def test_window_status(required, inside, after, today, status):
    assert rules.window_status(W, required=required, visits_in_window=inside, visited_after=after, today=today) == status
