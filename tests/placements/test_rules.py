"""Plain rules: full-time hours, compulsory school age, initial assessment, Year 11 destinations."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from placements import rules


def session(weekday, part, start, end):
    return SimpleNamespace(weekday=weekday, part=part, start_time=dt.time(*start), end_time=dt.time(*end))


@pytest.mark.parametrize("year, stage", [(0, None), (1, 1), (2, 1), (3, 2), (6, 2), (7, 3), (9, 3), (10, 4),
                                         (11, 4), (12, 5), (13, 5)])
def test_key_stage(year, stage):
    assert rules.key_stage(year) == stage


@pytest.mark.parametrize("year, hours", [(1, "21"), (5, "23.5"), (8, "24"), (10, "25"), (11, "25"), (12, "25")])
def test_full_time_expected_defaults(year, hours):
    assert rules.full_time_expected(year) == Decimal(hours)


def test_full_time_expected_comes_from_settings(settings):
    settings.APC_FULL_TIME_HOURS_KS4 = Decimal("27.5")
    assert rules.full_time_expected(10) == Decimal("27.5")


def test_weekly_hours_adds_sessions():
    sessions = [session(0, "am", (9, 0), (12, 0)), session(0, "pm", (13, 0), (15, 30)), session(2, "am", (9, 15), (12, 0))]
    assert rules.weekly_hours(sessions) == Decimal("8.25")
    assert rules.weekly_hours([]) == Decimal("0")


def test_full_time_check_part_time_below_expected():
    check = rules.full_time_check(year_group=10, school_hours=Decimal("10"), placement_hours=Decimal("9"),
                                  other_placement_hours=Decimal("3"))
    assert check.total == Decimal("22")
    assert check.part_time and check.shortfall == Decimal("3")


def test_full_time_check_exactly_expected_is_full_time():
    check = rules.full_time_check(year_group=10, school_hours=Decimal("13"), placement_hours=Decimal("12"))
    assert not check.part_time and check.shortfall == 0


def test_week_plan_shows_school_days():
    plan = rules.week_plan([session(1, "am", (9, 0), (12, 0))])
    assert [d["label"] for d in plan] == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    assert plan[1]["am"] is not None and plan[1]["pm"] is None
    assert all(d["am"] is None and d["pm"] is None for i, d in enumerate(plan) if i != 1)


@pytest.mark.parametrize("dob, on, expected", [
    (dt.date(2011, 5, 1), dt.date(2026, 11, 25), True),  # Year 10
    (dt.date(2010, 5, 1), dt.date(2026, 6, 26), True),  # last Friday of June in the year they turn 16
    (dt.date(2010, 5, 1), dt.date(2026, 6, 27), False),  # the day after
    (dt.date(2010, 10, 1), dt.date(2027, 6, 25), True),  # 16 in October: leaves the following June
    (dt.date(2010, 10, 1), dt.date(2027, 6, 26), False),
    (dt.date(2021, 4, 10), dt.date(2026, 4, 10), False),  # 5th birthday, before the prescribed day
    (dt.date(2021, 4, 10), dt.date(2026, 9, 1), True),  # after 31 August
    (dt.date(2020, 2, 29), dt.date(2025, 4, 1), True),  # leap-day birthday
])
def test_compulsory_school_age(dob, on, expected):
    assert rules.compulsory_school_age(dob, on) is expected


def test_initial_assessment_due_one_week_after_acceptance():
    assert rules.initial_assessment_due(dt.date(2026, 11, 25)) == dt.date(2026, 12, 2)


@pytest.mark.parametrize("due, done, on, status", [
    (None, None, dt.date(2026, 11, 25), ""),
    (dt.date(2026, 12, 2), None, dt.date(2026, 11, 25), "pending"),
    (dt.date(2026, 12, 2), None, dt.date(2026, 11, 30), "due_soon"),
    (dt.date(2026, 12, 2), None, dt.date(2026, 12, 2), "due_soon"),
    (dt.date(2026, 12, 2), None, dt.date(2026, 12, 3), "overdue"),
    (dt.date(2026, 12, 2), dt.date(2026, 12, 5), dt.date(2026, 12, 9), "done"),
])
def test_initial_assessment_status(due, done, on, status):
    assert rules.initial_assessment_status(due=due, done_on=done, on=on) == status


def test_initial_assessment_reminders_start_the_window_and_the_day_after_in_england():
    # Due 2 December, reminded from 30 November (APC_INITIAL_ASSESSMENT_REMINDER_DAYS = 2), London time.
    assert rules.initial_assessment_reminder_times(dt.date(2026, 12, 2)) == {
        "due_soon": dt.datetime(2026, 11, 30, 0, 0, tzinfo=dt.UTC),  # GMT in winter
        "overdue": dt.datetime(2026, 12, 3, 0, 0, tzinfo=dt.UTC)}
    assert rules.initial_assessment_reminder_times(dt.date(2026, 6, 3)) == {
        "due_soon": dt.datetime(2026, 5, 31, 23, 0, tzinfo=dt.UTC),  # BST
        "overdue": dt.datetime(2026, 6, 3, 23, 0, tzinfo=dt.UTC)}


@pytest.mark.parametrize("year, destination, flagged", [(11, "", True), (11, "apprenticeship", False), (10, "", False)])
def test_year_11_without_destination_is_flagged(year, destination, flagged):
    assert rules.needs_destination(year_group=year, destination=destination) is flagged


@pytest.mark.parametrize("on", [dt.date(2026, 11, 25), dt.date(2027, 6, 25), dt.date(2027, 6, 26), dt.date(2028, 2, 29),
                                dt.date(2026, 8, 31), dt.date(2026, 9, 1), dt.date(2026, 12, 31), dt.date(2027, 1, 1)])
def test_compulsory_school_age_births_is_exactly_the_rule(on):
    """The date-of-birth range the database counts with agrees with the rule for every birthday."""
    first, last = rules.compulsory_school_age_births(on)
    day = on - dt.timedelta(days=366 * 19)
    while day <= on:
        assert rules.compulsory_school_age(day, on) is (first <= day <= last), day
        day += dt.timedelta(days=1)
