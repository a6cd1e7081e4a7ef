"""Taking registers: submit (idempotent), correct with history, known absences (issue 11 item 3).
CONTRACT STUB: helper B implements. The web form and the API both call these functions.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class MarkInput:
    session_id: int
    mark: str  # attendance.models.Mark
    minutes_late: int | None = None
    absence_reason: str = ""  # attendance.models.AbsenceReason
    note: str = ""


@dataclass(frozen=True)
class SubmitResult:
    register_id: int
    marks_written: int
    repeated: bool  # True: this key was seen before and nothing was written again


def register_submit(*, register, marks: list[MarkInput], key: uuid.UUID, by, organisation,
                    now: dt.datetime) -> SubmitResult:
    """Write the marks of a register in one transaction; every session of the register must be
    marked. Raises django.core.exceptions.ValidationError (field errors by session) and writes
    nothing if any mark is invalid."""
    raise NotImplementedError
