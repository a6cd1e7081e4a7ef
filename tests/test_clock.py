import datetime as dt

import pytest

from apcommission import clock


def test_frozen_clock_is_what_rules_see():
    at = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)
    with clock.frozen(at):
        assert clock.now() == at
    assert clock.now() != at


def test_setting_pins_the_clock_for_demos(settings):
    settings.APC_CLOCK_NOW = "2026-11-25T09:20:00+00:00"
    assert clock.now() == dt.datetime(2026, 11, 25, 9, 20, tzinfo=dt.UTC)


def test_naive_setting_is_refused(settings):
    settings.APC_CLOCK_NOW = "2026-11-25T09:20:00"
    with pytest.raises(ValueError):
        clock.now()


@pytest.mark.parametrize(
    ("utc", "london_date", "london_hour"),
    [
        # Before and after the clocks go forward (29 March 2026, 01:00 UTC).
        (dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC), dt.date(2026, 3, 29), 0),
        (dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC), dt.date(2026, 3, 29), 2),
        # 23:30 UTC in summer is already tomorrow in England.
        (dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC), dt.date(2026, 6, 2), 0),
        (dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC), dt.date(2026, 12, 1), 23),
    ],
)
def test_local_time_follows_bst(utc, london_date, london_hour):
    with clock.frozen(utc):
        assert clock.today() == london_date
        assert clock.local_now().hour == london_hour


def test_london_wall_clock_to_instant_across_bst():
    winter = clock.london(dt.date(2026, 1, 12), dt.time(9, 0))
    summer = clock.london(dt.date(2026, 6, 15), dt.time(9, 0))
    assert winter.astimezone(dt.UTC).hour == 9
    assert summer.astimezone(dt.UTC).hour == 8
