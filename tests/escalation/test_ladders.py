"""The pure parts of a ladder: when each step is due, and which level the clock demands."""

from __future__ import annotations

import datetime as dt

from apcommission import clock
from escalation import ladders
from escalation.ladders import Step

from .conftest import TEST_LADDER

UTC = dt.UTC


def test_offsets_are_real_minutes_across_a_clock_change():
    # Sunday 31 October 2027, 00:30 BST; the clocks go back at 02:00 BST. Two hours later is 01:30 GMT
    # (01:30 UTC); adding the offset to the wall-clock time would wrongly give 02:30 GMT.
    anchor = clock.london(dt.date(2027, 10, 31), dt.time(0, 30))
    step = Step(recipients=list, topic="t", offset=dt.timedelta(hours=2))
    assert ladders.step_time({"due": anchor}, step) == dt.datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert anchor + dt.timedelta(hours=2) != dt.datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # the trap avoided
    # Sunday 28 March 2027 00:30 GMT + 2 h = 03:30 BST (02:30 UTC).
    spring = clock.london(dt.date(2027, 3, 28), dt.time(0, 30))
    assert ladders.step_time({"due": spring}, step) == dt.datetime(2027, 3, 28, 2, 30, tzinfo=UTC)


def test_the_level_the_clock_demands():
    t0 = dt.datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
    times = [t0, t0 + dt.timedelta(minutes=30), t0 + dt.timedelta(hours=2, minutes=30)]
    assert ladders.level_due(times, t0 - dt.timedelta(seconds=1)) == 0
    assert ladders.level_due(times, t0) == 1
    assert ladders.level_due(times, t0 + dt.timedelta(minutes=45)) == 2
    assert ladders.level_due(times, t0 + dt.timedelta(days=3)) == 3
    assert ladders.next_step_after(times, 0) == t0
    assert ladders.next_step_after(times, 1) == times[1]
    assert ladders.next_step_after(times, 3) is None


def test_step_times_of_the_test_ladder():
    due = clock.london(dt.date(2026, 11, 30), dt.time(9, 30))
    end = clock.london(dt.date(2026, 11, 30), dt.time(12, 0))
    assert ladders.step_times(TEST_LADDER, {"due": due, "session_end": end}) == [
        dt.datetime(2026, 11, 30, 9, 30, tzinfo=UTC), dt.datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
        dt.datetime(2026, 11, 30, 12, 0, tzinfo=UTC)]
