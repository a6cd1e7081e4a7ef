"""The registration rule (seed 001 §5-6) and the date rules, table-driven."""

import datetime as dt
from decimal import Decimal

import pytest

from providers import rules
from providers.rules import PupilLoad, registration_required


def pupils(n, hours, **flags):
    return [PupilLoad(weekly_hours=Decimal(str(hours)), **flags) for _ in range(n)]


CASES = [
    # (id, pupils, required, full-time count)
    ("nobody", [], False, 0),
    ("4 full-time", pupils(4, 25), False, 4),
    ("5 full-time", pupils(5, 25), True, 5),
    ("5 at exactly 18 hours is part time", pupils(5, 18), False, 0),
    ("5 at 18.5 hours is full time", pupils(5, "18.5"), True, 5),
    ("5 at 18.01 hours", pupils(5, "18.01"), True, 5),
    ("4 full-time + 1 at 18 hours", pupils(4, 20) + pupils(1, 18), False, 4),
    ("1 looked-after full-time", pupils(1, 20, looked_after=True), True, 1),
    ("1 looked-after at 18 hours", pupils(1, 18, looked_after=True), False, 0),
    ("1 EHCP full-time", pupils(1, 19, has_ehcp=True), True, 1),
    ("1 EHCP part-time", pupils(1, 10, has_ehcp=True), False, 0),
    ("part-time only, many pupils", pupils(40, 12, looked_after=True, has_ehcp=True), False, 0),
    ("5 full-time not of compulsory school age", pupils(5, 25, compulsory_school_age=False), False, 0),
    ("1 LAC full-time not of compulsory school age", pupils(1, 25, compulsory_school_age=False, looked_after=True), False, 0),
    ("4 full-time + 1 LAC part-time", pupils(4, 25) + pupils(1, 12, looked_after=True), False, 4),
    ("floats are accepted", [PupilLoad(weekly_hours=18.5)] * 5, True, 5),
]


@pytest.mark.parametrize("loads,required,full_time", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_registration_thresholds(loads, required, full_time):
    result = registration_required(loads)
    assert result.required is required
    assert result.full_time_pupils == full_time
    assert bool(result.reasons) is required


def test_reasons_name_the_counts():
    result = registration_required(pupils(5, 25) + pupils(1, 20, looked_after=True, has_ehcp=True))
    assert result.required
    assert result.full_time_pupils == 6 and result.full_time_looked_after == 1 and result.full_time_ehcp == 1
    assert len(result.reasons) == 3
    assert "6 pupils" in result.reasons[0]


def test_part_time_pupils_are_counted_separately():
    result = registration_required(pupils(3, 25) + pupils(7, 10))
    assert (result.full_time_pupils, result.part_time_pupils) == (3, 7)
    assert result.headroom == 1  # one more full-time pupil and it would be 4: still fine; a 5th is not


def test_thresholds_come_from_settings(settings):
    settings.APC_FULL_TIME_HOURS = Decimal("15")
    settings.APC_REGISTRATION_PUPIL_THRESHOLD = 3
    assert registration_required(pupils(3, 16)).required
    assert not registration_required(pupils(2, 16)).required


@pytest.mark.parametrize("start,months,expected", [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
    (dt.date(2026, 11, 15), 2, dt.date(2027, 1, 15)),
    (dt.date(2026, 3, 10), 36, dt.date(2029, 3, 10)),
])
def test_add_months(start, months, expected):
    assert rules.add_months(start, months) == expected


def test_dbs_recheck_due():
    issued = dt.date(2024, 5, 1)
    assert rules.dbs_recheck_due(issued_on=issued, update_service=False) == dt.date(2027, 5, 1)
    assert rules.dbs_recheck_due(issued_on=issued, update_service=True) == dt.date(2025, 5, 1)
    assert rules.dbs_recheck_due(issued_on=issued, update_service=True,
                                 status_checked_on=dt.date(2026, 2, 1)) == dt.date(2027, 2, 1)
    assert rules.dbs_recheck_due(issued_on=None, update_service=True) is None


def test_training_due_by_level():
    trained = dt.date(2026, 1, 10)
    assert rules.safeguarding_training_due(level=2, trained_on=trained) == dt.date(2027, 1, 10)
    assert rules.safeguarding_training_due(level=3, trained_on=trained) == dt.date(2028, 1, 10)
    assert rules.safeguarding_training_due(level=None, trained_on=trained) is None
    assert rules.training_level_required(is_manager=True) == 3
    assert rules.training_level_required(is_manager=False) == 2


@pytest.mark.parametrize("due,status", [
    (None, rules.MISSING),
    (dt.date(2026, 6, 1), rules.EXPIRED),  # today
    (dt.date(2026, 5, 1), rules.EXPIRED),
    (dt.date(2026, 6, 2), rules.EXPIRING),
    (dt.date(2026, 7, 1), rules.EXPIRING),  # exactly 30 days
    (dt.date(2026, 7, 2), rules.CURRENT),
])
def test_expiry_status(due, status):
    assert rules.expiry_status(due, on=dt.date(2026, 6, 1)) == status


def test_rag():
    assert rules.rag([rules.CURRENT, rules.CURRENT]) == rules.GREEN
    assert rules.rag([rules.CURRENT, rules.EXPIRING]) == rules.AMBER
    assert rules.rag([rules.EXPIRING, rules.MISSING]) == rules.RED
    assert rules.rag([rules.EXPIRED]) == rules.RED
