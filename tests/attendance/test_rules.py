"""The school's view of attendance as pure rules: the code for each session, percentages, weeks,
the below-target flag (attendance/rules.py). No database except the last test, which checks that
the database filters count exactly what the Python rule counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from attendance import rules
from attendance.models import Mark

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
PAST = NOW - dt.timedelta(hours=2)
FUTURE = NOW + dt.timedelta(hours=2)


def session(mark="", *, minutes_late=None, school_code="", due_at=PAST):
    return SimpleNamespace(mark=mark, minutes_late=minutes_late, school_code=school_code, due_at=due_at)


def placement(code="B"):
    return SimpleNamespace(registration_code=code)


@pytest.mark.parametrize(("registration", "code"), [("B", "B"), ("K", "K"), ("D", "D")])
def test_attended_sessions_carry_the_code_of_who_arranged_the_provision(registration, code):
    result = rules.school_code(session(Mark.PRESENT), placement(registration), now=NOW)
    assert result.code == code
    assert result.minutes_late is None and not result.register_missing


def test_school_arranged_is_b_and_la_arranged_is_k_in_words_too():
    assert "school arranged" in rules.school_code(session(Mark.PRESENT), placement("B"), now=NOW).meaning
    assert "local authority" in rules.school_code(session(Mark.PRESENT), placement("K"), now=NOW).meaning


@pytest.mark.parametrize("registration", ["B", "K", "D"])
def test_late_keeps_the_attendance_code_and_notes_the_minutes(registration):
    result = rules.school_code(session(Mark.LATE, minutes_late=12), placement(registration), now=NOW)
    assert result.code == registration
    assert result.minutes_late == 12
    assert "late by 12 minutes" in result.meaning


def test_one_minute_late_is_singular():
    assert rules.school_code(session(Mark.LATE, minutes_late=1), placement(), now=NOW).meaning.endswith("1 minute")


def test_an_absence_is_n_until_the_school_chooses_its_code():
    result = rules.school_code(session(Mark.ABSENT), placement("B"), now=NOW)
    assert result.code == "N"
    assert result.needs_school_code and not result.register_missing
    assert "not yet established" in result.meaning


@pytest.mark.parametrize(("chosen", "words"), [("I", "Illness"), ("M", "Medical"), ("G", "Holiday not granted"),
                                              ("Y1", "Transport")])
def test_an_absence_carries_the_schools_chosen_code(chosen, words):
    result = rules.school_code(session(Mark.ABSENT, school_code=chosen), placement("K"), now=NOW)
    assert result.code == chosen
    assert words in result.meaning
    assert not result.needs_school_code


def test_a_dual_registered_pupil_is_d_even_when_absent_and_the_school_chooses_no_code():
    absent = session(Mark.ABSENT)
    result = rules.school_code(absent, placement("D"), now=NOW)
    assert result.code == "D" and "other school" in result.meaning
    assert not rules.can_choose_code(absent, placement("D"))
    assert rules.can_choose_code(absent, placement("B"))
    assert not rules.can_choose_code(session(Mark.PRESENT), placement("B"))


def test_not_required_is_not_a_possible_session():
    result = rules.school_code(session(Mark.NOT_REQUIRED), placement(), now=NOW)
    assert result.code == "-"
    assert rules.counts_for(Mark.NOT_REQUIRED, PAST, now=NOW) == (False, False)


def test_no_mark_once_the_register_is_due_is_n_register_not_received():
    result = rules.school_code(session(due_at=NOW), placement("B"), now=NOW)
    assert (result.code, result.meaning, result.register_missing) == ("N", "Register not received", True)
    assert not result.needs_school_code  # the school chases the provider, it does not choose a code
    assert rules.school_code(session(due_at=PAST), placement("D"), now=NOW).register_missing


def test_no_mark_before_the_register_is_due_is_nothing_yet():
    result = rules.school_code(session(due_at=FUTURE), placement(), now=NOW)
    assert result.code == "" and not result.register_missing
    assert rules.counts_for("", FUTURE, now=NOW) == (False, False)


@pytest.mark.parametrize(("mark", "due_at", "expected"), [
    (Mark.PRESENT, PAST, (True, True)),
    (Mark.LATE, PAST, (True, True)),
    (Mark.ABSENT, PAST, (True, False)),
    (Mark.PRESENT, FUTURE, (True, True)),  # marked early: still counted
    ("", PAST, (True, False)),  # register not received: expected, not attended
    ("", FUTURE, (False, False)),
    (Mark.NOT_REQUIRED, PAST, (False, False)),
])
def test_what_counts_towards_the_percentage(mark, due_at, expected):
    assert rules.counts_for(mark, due_at, now=NOW) == expected


def test_percent_to_one_place_and_none_with_nothing_expected():
    assert rules.percent(9, 10) == Decimal("90.0")
    assert rules.percent(2, 3) == Decimal("66.7")
    assert rules.percent(1, 8) == Decimal("12.5")
    assert rules.percent(0, 0) is None


def test_below_target_is_strict_and_exact():
    assert not rules.below_target(9, 10, 90)  # exactly on target
    assert rules.below_target(8, 10, 90)
    assert rules.below_target(1799, 2000, 90)  # 89.95 %: shows as 90.0 % but is below
    assert not rules.below_target(0, 0, 90)  # nothing expected yet
    figures = rules.Figures(attended=3, expected=4, target=80)
    assert (figures.percent, figures.below_target, figures.missed) == (Decimal("75.0"), True, 1)


def test_the_default_target_is_ninety_when_the_school_has_no_settings():
    assert rules.target_of(None) == 90
    assert rules.target_of(SimpleNamespace(target_percent=85)) == 85


def test_weeks_run_monday_to_sunday():
    wednesday = dt.date(2026, 11, 25)
    assert rules.week_start(wednesday) == dt.date(2026, 11, 23)
    assert rules.week_of(wednesday) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert rules.week_start(dt.date(2026, 11, 23)) == dt.date(2026, 11, 23)
    assert rules.last_week(wednesday) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))


def test_week_buckets_fill_weeks_without_sessions():
    counts = {dt.date(2026, 10, 19): (8, 10), dt.date(2026, 11, 2): (10, 10)}  # half term between
    weeks = rules.week_buckets(counts, first=dt.date(2026, 10, 21), last=dt.date(2026, 11, 5))
    assert [(w.week_start, w.attended, w.expected, w.percent) for w in weeks] == [
        (dt.date(2026, 10, 19), 8, 10, Decimal("80.0")),
        (dt.date(2026, 10, 26), 0, 0, None),
        (dt.date(2026, 11, 2), 10, 10, Decimal("100.0")),
    ]


def test_an_all_day_session_is_both_register_sessions():
    assert rules.register_parts("am") == ("AM",)
    assert rules.register_parts("pm") == ("PM",)
    assert rules.register_parts("day") == ("AM", "PM")


@pytest.mark.django_db
def test_the_database_filters_count_what_the_rule_counts(shared_provider_world):
    """expected_q / attended_q (used by the school's pages) agree with counts_for on every case."""
    from attendance.factories import register_with_sessions
    from attendance.models import AbsenceReason, ExpectedSession
    from tenancy.scoping import scopes_disabled

    world = shared_provider_world
    cases = [(Mark.PRESENT, PAST), (Mark.LATE, PAST), (Mark.ABSENT, PAST), (Mark.NOT_REQUIRED, PAST),
             ("", PAST), ("", FUTURE), (Mark.PRESENT, FUTURE)]
    pks = []
    with scopes_disabled():
        for i, (mark, due_at) in enumerate(cases):
            register = register_with_sessions(placements=[world.placements["c"]],
                                              starts_at=due_at - dt.timedelta(minutes=30) + dt.timedelta(days=i))
            row = register.sessions.get()
            row.mark, row.due_at = mark, due_at
            row.minutes_late = 5 if mark == Mark.LATE else None
            row.absence_reason = AbsenceReason.ILL if mark == Mark.ABSENT else ""
            row.save()
            pks.append(row.pk)
        for pk, (mark, due_at) in zip(pks, cases, strict=True):
            rows = ExpectedSession.objects.filter(pk=pk)
            assert (rows.filter(rules.expected_q(NOW)).exists(),
                    rows.filter(rules.expected_q(NOW), rules.attended_q()).exists()) == rules.counts_for(
                        mark, due_at, now=NOW), (mark, due_at)
