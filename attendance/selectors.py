"""Provider-side reads for taking registers: a day's registers, one register with its pupils.
Each runs inside the caller's scope (tenancy.scoping); pupils are named as
placements.selectors.list_label allows the reader."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from placements.selectors import list_label

from .models import AbsenceReason, ExpectedSession, KnownAbsence, Mark, MarkChange, Register

# --- A day's registers -----------------------------------------------------------------------

@dataclass(frozen=True)
class RegisterStatus:
    label: str  # "Not taken", "Due by 9:30am", "Overdue", "Submitted at 9:12am by Sam Patel"
    colour: str  # GOV.UK tag colour: grey, blue, red, green, orange
    late: bool = False


def _hhmm(moment: dt.datetime) -> str:
    """The time in England as GOV.UK writes it: 9am, 9:30am."""
    from placements.templatetags.formatting import govuk_time

    return govuk_time(moment)


def register_status(register: Register, *, now: dt.datetime) -> RegisterStatus:
    """Where a register stands at `now`: not yet started, open until its due time, overdue, or
    submitted (late when after its due time)."""
    if register.submitted_at is not None:
        by = register.submitted_by
        who = f" by {by.full_name or by.email}" if by is not None else ""
        late = register.submitted_at > register.due_at
        label = f"Submitted at {_hhmm(register.submitted_at)}{who}" + (" (late)" if late else "")
        return RegisterStatus(label, "orange" if late else "green", late=late)
    if now < register.starts_at:
        return RegisterStatus("Not taken", "grey")
    if now < register.due_at:
        return RegisterStatus(f"Due by {_hhmm(register.due_at)}", "blue")
    return RegisterStatus("Overdue", "red")


@dataclass
class RegisterRow:
    register: Register
    pupils: int
    status: RegisterStatus


def registers_on(day: dt.date, *, now: dt.datetime) -> list[RegisterRow]:
    """The provider's registers of one day in start order, with how many pupils each: one query."""
    registers = (Register.objects.filter(date=day).select_related("submitted_by")
                 .annotate(pupils=Count("sessions")).order_by("starts_at", "pk"))
    return [RegisterRow(r, r.pupils, register_status(r, now=now)) for r in registers]


def register_get(pk: int) -> Register:
    return Register.objects.select_related("submitted_by").get(pk=pk)


# --- One register and its pupils --------------------------------------------------------------

@dataclass(frozen=True)
class ChangeView:
    """One change to a mark, as the register's history shows it."""

    at: dt.datetime
    who: str
    old: str
    new: str
    reason: str


def change_view(change: MarkChange) -> ChangeView:
    by = change.changed_by
    return ChangeView(at=change.changed_at, who=(by.full_name or by.email) if by is not None else "",
                      old=mark_text(change.old_mark, change.old_minutes_late, change.old_absence_reason),
                      new=mark_text(change.new_mark, change.new_minutes_late, change.new_absence_reason),
                      reason=change.reason)


@dataclass
class PupilRow:
    """One pupil's session on a register, named as the reader may see it."""

    session: ExpectedSession
    name: str
    sort_name: str
    school: str
    known_absence: KnownAbsence | None = None
    changes: list[ChangeView] = field(default_factory=list)

    @property
    def initial_mark(self) -> str:
        """What the form shows before anyone chooses: the mark taken, else a known absence."""
        if self.session.mark:
            return self.session.mark
        return Mark.ABSENT if self.known_absence is not None else ""

    @property
    def initial_reason(self) -> str:
        if self.session.absence_reason:
            return self.session.absence_reason
        return self.known_absence.reason if self.known_absence is not None else ""

    @property
    def mark_text(self) -> str:
        return mark_text(self.session.mark, self.session.minutes_late, self.session.absence_reason)


def mark_text(mark: str, minutes_late: int | None, absence_reason: str) -> str:
    """'Present', 'Late (12 minutes)', 'Absent: Ill', 'Not required', or 'Not marked'."""
    if not mark:
        return "Not marked"
    if mark == Mark.LATE:
        return f"Late ({minutes_late} minute{'' if minutes_late == 1 else 's'})"
    if mark == Mark.ABSENT:
        return f"Absent: {AbsenceReason(absence_reason).label}" if absence_reason else "Absent"
    return Mark(mark).label


def register_rows(register: Register, membership) -> list[PupilRow]:
    """Every pupil of the register in name order, with a known absence that covers the day and the
    history of changes to the mark: three queries whatever the number of pupils."""
    sessions = list(ExpectedSession.objects.filter(register=register)
                    .select_related("placement", "placement__pupil", "placement__school", "school"))
    placement_ids = [s.placement_id for s in sessions]
    absences = {}
    for absence in (KnownAbsence.objects.filter(placement_id__in=placement_ids, first_date__lte=register.date,
                                                last_date__gte=register.date).order_by("recorded_at", "pk")):
        absences[absence.placement_id] = absence  # the latest recorded wins
    changes = defaultdict(list)
    for change in MarkChange.objects.filter(session__register=register).select_related("changed_by"):
        changes[change.session_id].append(change_view(change))
    rows = []
    for session in sessions:
        label = list_label(session.placement, membership)
        rows.append(PupilRow(session=session, name=label.text, sort_name=label.sort_name,
                             school=session.school.name, known_absence=absences.get(session.placement_id),
                             changes=changes[session.pk]))
    return sorted(rows, key=lambda r: (r.sort_name.lower(), r.session.pk))


def session_get(register: Register, pk: int) -> ExpectedSession:
    return (ExpectedSession.objects.select_related("placement", "placement__pupil", "register")
            .get(Q(register=register), pk=pk))
