"""The LA children-in-AP view's plain rules (oversight/area_rules.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight import area_rules as r

D = dt.date


@pytest.mark.parametrize(("start", "today", "weeks"), [
    (None, D(2026, 11, 25), None),
    (D(2026, 11, 25), D(2026, 11, 25), 0),
    (D(2026, 11, 19), D(2026, 11, 25), 0),
    (D(2026, 11, 18), D(2026, 11, 25), 1),
    (D(2026, 10, 5), D(2026, 11, 25), 7),
    (D(2026, 12, 1), D(2026, 11, 25), 0),  # starts later: never negative
])
def test_weeks_in_placement(start, today, weeks):
    assert r.weeks_in_placement(start, today) == weeks


def test_order_by_breaks_ties_by_name_then_pk_and_flips_for_descending():
    assert r.order_by("pupil", False) == ["pupil__last_name", "pupil__first_name", "pk"]
    assert r.order_by("school", True) == ["-school__name", "pupil__last_name", "pupil__first_name", "-pk"]
    assert r.order_by("weeks", False)[0] == "-start_date" and r.order_by("weeks", True)[0] == "start_date"
    assert r.order_by("nonsense", False) == r.order_by("pupil", False)


ROWS = [(1, 2026, D(2026, 9, 3), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30)),
        (1, 2026, D(2027, 1, 5), D(2027, 3, 26), D(2027, 2, 15), D(2027, 2, 19)),
        (2, 2026, D(2026, 9, 1), D(2026, 12, 16), None, None)]  # another organisation's row


@pytest.mark.parametrize(("today", "start"), [
    (D(2026, 9, 10), D(2026, 9, 3)),
    (D(2026, 10, 28), D(2026, 9, 3)),  # half-term holiday: the half term just ended
    (D(2026, 11, 25), D(2026, 10, 31)),
    (D(2026, 12, 25), D(2026, 10, 31)),  # Christmas holiday
    (D(2027, 3, 1), D(2027, 2, 20)),
    (D(2026, 8, 1), None),
])
def test_half_term_start_from_the_las_term_dates(today, start):
    assert r.half_term_start(ROWS, la_id=1, today=today) == start


def test_below_threshold_is_exact_and_nothing_expected_is_not_below():
    assert r.below_threshold(8, 9, 90) and not r.below_threshold(9, 10, 90)
    assert not r.below_threshold(0, 0, 90)
    assert r.below_threshold(1799, 2000, 90)  # 89.95 %
