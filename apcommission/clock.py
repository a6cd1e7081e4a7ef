"""The one clock. Deadline rules take `now` from here, so tests and demos can set it.

Rules should accept `now` as an argument; entry points (views, tasks, commands) call
`clock.now()` once and pass it down. Never call timezone.now() inside a rule.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

LONDON = ZoneInfo("Europe/London")
_frozen: ContextVar[dt.datetime | None] = ContextVar("apc_frozen_now", default=None)


def now() -> dt.datetime:
    """The current instant (aware, UTC), unless frozen by `frozen()` or APC_CLOCK_NOW."""
    pinned = _frozen.get()
    if pinned is not None:
        return pinned
    configured = getattr(settings, "APC_CLOCK_NOW", "")
    if configured:
        parsed = parse_datetime(configured)
        if parsed is None or timezone.is_naive(parsed):
            raise ValueError(f"APC_CLOCK_NOW must be an ISO 8601 datetime with offset: {configured!r}")
        return parsed.astimezone(dt.UTC)
    return timezone.now()


def local_now() -> dt.datetime:
    """`now()` in Europe/London (BST in summer, GMT in winter)."""
    return now().astimezone(LONDON)


def today() -> dt.date:
    """Today's date in England."""
    return local_now().date()


def london(date: dt.date, time: dt.time) -> dt.datetime:
    """An aware instant for a wall-clock time in England on a date (BST changes handled)."""
    return dt.datetime.combine(date, time, tzinfo=LONDON)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later (clamped to the month's end: 31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@contextlib.contextmanager
def frozen(at: dt.datetime):
    """Pin `now()` to `at` inside the block (tests, demos, replaying a sweep)."""
    if timezone.is_naive(at):
        raise ValueError("frozen() needs an aware datetime")
    token = _frozen.set(at)
    try:
        yield at
    finally:
        _frozen.reset(token)
