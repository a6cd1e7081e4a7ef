"""Attendance alerts and the missing-register ladder on the one escalation engine (issue 11
item 5). CONTRACT STUB: helper C implements. Other modules call only these functions."""

from __future__ import annotations

import datetime as dt


def registers_created(registers, *, now: dt.datetime) -> None:
    """New registers: put each on the missing-register ladder (anchors: due_at, session end)."""


def registers_changed(register_ids, *, now: dt.datetime) -> None:
    """Registers whose due time or end changed, or that were deleted (no sessions left): move or
    stop their ladders."""


def register_submitted(register, *, by, now: dt.datetime) -> None:
    """The register was submitted: stop its ladder (inside the submitting transaction)."""


def marks_recorded(sessions, *, by, now: dt.datetime) -> None:
    """Marks just written (first submission or a correction): absent or late pupils → the school's
    attendance officer at once (after commit)."""
