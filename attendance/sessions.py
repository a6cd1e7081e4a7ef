"""Expected sessions: generated ahead from each placement's current timetable and its school's
calendar, kept current when either changes (issue 11 item 2). CONTRACT STUB: helper A implements.

Other modules call only these functions.
"""

from __future__ import annotations

import datetime as dt


def placement_sessions_refresh(*, placement, now: dt.datetime) -> None:
    """After a placement's timetable, agreed version or state changed: add the sessions it now
    expects from today (in England) up to the generation horizon, delete unmarked ones it no longer
    expects, never touch a marked one."""


def calendar_changed(*, organisation, now: dt.datetime) -> None:
    """After term dates or non-teaching days of `organisation` (LA, school or provider) changed:
    refresh the sessions of every placement whose calendar that is."""


def generate_ahead(*, now: dt.datetime) -> int:
    """The beat job: make sure every active placement has its sessions up to the horizon. Returns
    how many sessions it created."""
    return 0
