"""Taking registers: submit (idempotent), correct with history, known absences (issue 11 item 3).
The web form and the API both call these functions; they run inside the caller's scope.

- `register_submit`: the first submission of a register, in one transaction, idempotent by the
  client's key (a double tap or a retry after a dropped connection writes nothing twice).
- `mark_change`: a change to a mark after submission, with its reason: an append-only MarkChange.
- `known_absence_record`: the school tells the provider of an absence in advance; it pre-fills the
  register (attendance.selectors.register_rows).

Errors: django.core.exceptions.ValidationError keyed by the form field a web page shows it under
(`mark_<session id>`, `minutes_<session id>`, `reason_<session id>`; `mark`, `minutes_late`,
`absence_reason`, `reason` for one change; `first_date`, `last_date` for a known absence), or
apcommission.errors.Refusal for a refusal of the whole action. Nothing is written when either is
raised.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apcommission import clock
from apcommission.errors import Refusal
from apcommission.prepared import execute_prepared, numbered
from escalation.models import Escalation
from tenancy.scoping import scoped_row_sql

from . import alerts
from .ladders import MISSING_REGISTER
from .models import (
    AbsenceReason,
    ExpectedSession,
    KnownAbsence,
    Mark,
    MarkChange,
    Register,
    RegisterSubmission,
)

MAX_MINUTES_LATE = 240  # a session is at most a day; more is a typing slip
NOTE_MAX = 300
CHANGE_REASON_MAX = 300


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


class AlreadySubmitted(Refusal):
    """A register already submitted under another key: later changes go through mark_change."""


# --- One mark ------------------------------------------------------------------------------

_MARKS = frozenset(Mark.values)  # the choices' `values` builds a new list on every read
_REASONS = frozenset(AbsenceReason.values)


def mark_problems(mark: MarkInput, *, suffix: str = "") -> dict[str, str]:
    """What is wrong with one mark, keyed by field (`mark`, `minutes`, `reason`, `note` + suffix)."""
    problems = {}
    if mark.mark not in _MARKS:
        problems[f"mark{suffix}"] = "Choose Present, Late, Absent or Not required"
    elif mark.mark == Mark.LATE and not (mark.minutes_late and 1 <= mark.minutes_late <= MAX_MINUTES_LATE):
        problems[f"minutes{suffix}"] = f"Enter how many minutes late, from 1 to {MAX_MINUTES_LATE}"
    elif mark.mark == Mark.ABSENT and mark.absence_reason not in _REASONS:
        problems[f"reason{suffix}"] = "Choose a reason for the absence"
    if len(mark.note or "") > NOTE_MAX:
        problems[f"note{suffix}"] = f"The note must be {NOTE_MAX} characters or fewer"
    return problems


def _clean(mark: MarkInput) -> tuple[str, int | None, str]:
    """(mark, minutes late, absence reason) as stored: minutes only when late, a reason only when absent."""
    return (mark.mark, mark.minutes_late if mark.mark == Mark.LATE else None,
            mark.absence_reason if mark.mark == Mark.ABSENT else "")


def _write(session: ExpectedSession, mark: MarkInput, *, by, now: dt.datetime) -> None:
    session.mark, session.minutes_late, session.absence_reason = _clean(mark)
    session.note = (mark.note or "").strip()
    session.marked_at = now
    session.marked_by = by


_MARK_FIELDS = ["mark", "minutes_late", "absence_reason", "note", "marked_at", "marked_by"]


def _save_marks(sessions: list[ExpectedSession]) -> None:
    """One UPDATE per distinct mark (most registers: one for "present", one or two more), not
    bulk_update's CASE per row and field, which costs more to build than the write itself."""
    groups: dict[tuple, list[int]] = {}
    for session in sessions:
        values = tuple(getattr(session, f if f != "marked_by" else "marked_by_id") for f in _MARK_FIELDS)
        groups.setdefault(values, []).append(session.pk)
    for values, ids in groups.items():
        changes = dict(zip([f if f != "marked_by" else "marked_by_id" for f in _MARK_FIELDS], values, strict=True))
        ExpectedSession.objects.filter(pk__in=ids).update(**changes)


# --- Submitting a register -----------------------------------------------------------------

# What a submission reads of each session: its mark fields (written) and what alerts.marks_recorded
# reads. The register comes in the same query, locked.
_SUBMIT_FIELDS = ["id", "school", "provider", "starts_at", "register", *_MARK_FIELDS]


def register_submit(*, register: Register | int, marks: list[MarkInput], key: uuid.UUID, by, organisation,
                    now: dt.datetime) -> SubmitResult:
    """Write the marks of a register in one transaction; every session of the register must be
    marked. Raises django.core.exceptions.ValidationError (field errors by session) and writes
    nothing if any mark is invalid.

    `register` is the Register or its id (the API passes the id from its URL): the register is read
    once, locked, with its sessions, through the caller's scope; an id the caller cannot see raises
    Register.DoesNotExist.

    Idempotent by `key`: a key seen before returns `repeated=True` and writes nothing (two identical
    posts at once: the register's row lock orders them, and the key's unique index catches the
    rest). A register already submitted under another key is refused (AlreadySubmitted): a change
    after submission needs a reason (mark_change). A submission after `due_at` is accepted; it
    shows as late (submitted_at > due_at).

    Queries: on PostgreSQL one statement (_submit_at_once) for a submission that is written. When
    it writes nothing, and on other databases, _submit_locked: one read of the locked register and
    its sessions, one INSERT of the key, one UPDATE per distinct mark, one UPDATE of the register,
    one of its missing-register ladder. No savepoint: every check runs before the first write and a
    refusal is raised only once the block has ended, so an enclosing transaction (ATOMIC_REQUESTS,
    a web form that shows the errors) stays usable.
    """
    register_id = register if isinstance(register, int) else register.pk
    with transaction.atomic(savepoint=False):
        outcome = _submit_at_once(register_id, marks, key=key, by=by, organisation=organisation, now=now)
        if outcome is None:
            outcome = _submit_locked(register_id, marks, key=key, by=by, organisation=organisation, now=now)
    if isinstance(outcome, Exception):
        raise outcome
    if isinstance(register, Register) and not outcome.repeated:
        register.submitted_at, register.submitted_by = now, by
    return outcome


def _submit_at_once(register_id: int, marks: list[MarkInput], *, key: uuid.UUID, by, organisation,
                    now: dt.datetime) -> SubmitResult | None:
    """The usual submission (every session of an unsubmitted register marked, a new key) as one
    PostgreSQL statement: it locks the register, checks it is this provider's, not submitted, and
    that the marks are exactly its sessions, then claims the key and writes the marks and the
    register, each write only if every check before it held. Every row it reads or writes is
    restricted to the caller's scope (tenancy.scoping.scoped_row_sql): it sees what _submit_locked's
    ORM queries see.

    None when it wrote nothing (a refusal, a repeated key, invalid marks, another database): the
    caller then runs _submit_locked, which reads the register again and words the outcome. Building
    _submit_locked's five ORM queries cost several times the database's work for them."""
    if connection.vendor != "postgresql" or not marks:
        return None
    ids = [m.session_id for m in marks]
    if len(set(ids)) != len(ids) or any(mark_problems(m) for m in marks):
        return None
    sql, params = _at_once_statement(register_id, marks, key=key, by=by, organisation=organisation, now=now)
    with connection.cursor() as cursor:
        execute_prepared(cursor, "apc_register_submit", sql, params, generic_plan=True)
        written = cursor.fetchall()
    if not written:
        return None
    sessions = [_Marked(pk, school_id, organisation.pk, register_id, mark, epoch) for pk, school_id, mark, epoch in written]
    alerts.marks_recorded(sessions, by=by, now=now)
    return SubmitResult(register_id=register_id, marks_written=len(sessions), repeated=False)


def _at_once_statement(register_id: int, marks: list[MarkInput], *, key: uuid.UUID, by, organisation,
                       now: dt.datetime) -> tuple[str, list]:
    """_submit_at_once's statement (numbered parameters) and its parameters."""
    given = json.dumps([[m.session_id, *_clean(m), (m.note or "").strip()] for m in marks])
    register_scope, register_params = scoped_row_sql(Register, "r")
    session_scope, session_params = scoped_row_sql(ExpectedSession, "s")
    ladder_scope, ladder_params = scoped_row_sql(Escalation, "e")
    params = [register_id, organisation.pk, now, by.pk, len(marks), key, given, alerts.SUBMITTED_NOTE, MISSING_REGISTER,
              ContentType.objects.get_for_model(Register).pk, *register_params, *session_params, *ladder_params]
    return _at_once_sql(register_scope, session_scope, ladder_scope), params


class _Marked(NamedTuple):
    """A session as _submit_at_once wrote it: what alerts.marks_recorded reads."""

    pk: int
    school_id: int
    provider_id: int
    register_id: int
    mark: str
    starts_epoch: float

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.starts_epoch, tz=dt.UTC)


@functools.lru_cache(maxsize=64)
def _at_once_sql(register_scope: str, session_scope: str, ladder_scope: str) -> str:
    """_submit_at_once's statement, around the scope's conditions for registers, sessions and escalations,
    with numbered parameters (for PREPARE): $1 register, $2 organisation, $3 now, $4 by, $5 how
    many marks, $6 key, $7 the marks as one JSON array of [session, mark, minutes, reason, note],
    $8 the ladder's note, $9 the ladder, $10 the register's content type; then the scopes' own.
    Each session's start comes back as seconds since the epoch: decoding ten timestamps cost more
    than the rest of the rows, and alerts read only a few.

    Each write happens only if the one before it wrote: `ok` (the checks) → `claim` (the key;
    nothing when it exists: ON CONFLICT waits for a concurrent insert of it) → the marks, the
    register, and its missing-register ladder stopped as alerts.register_submitted stops it
    (escalation_resolve's columns). Every row is found by the register's id through an index, so
    one generic plan suits every register: it is run as a prepared statement with that plan
    (apcommission.prepared), because PostgreSQL plans it in longer than it runs it."""
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    def c(model, name):
        return quote(model._meta.get_field(name).column)

    R, S, K, E = Register, ExpectedSession, RegisterSubmission, Escalation  # noqa: N806
    sql = f"""
WITH reg AS (
    SELECT r.{c(R, "id")} AS id, r.{c(R, "provider")} AS provider_id, r.{c(R, "submitted_at")} AS submitted_at
    FROM {table(R)} r WHERE r.{c(R, "id")} = $1::bigint AND {register_scope}
    FOR UPDATE OF r
), ses AS (
    SELECT s.{c(S, "id")} AS id FROM {table(S)} s
    WHERE s.{c(S, "register")} = $1::bigint AND {session_scope}
), given AS (
    SELECT (e->>0)::bigint AS id, e->>1 AS mark, (e->>2)::smallint AS minutes_late, e->>3 AS absence_reason,
           e->>4 AS note
    FROM json_array_elements($7::json) e
), ok AS (
    SELECT reg.id FROM reg
    WHERE reg.provider_id = $2::bigint AND reg.submitted_at IS NULL AND (SELECT count(*) FROM ses) = $5::integer
      AND (SELECT count(*) FROM ses JOIN given ON given.id = ses.id) = $5::integer
), claim AS (
    INSERT INTO {table(K)} ({c(K, "key")}, {c(K, "register")}, {c(K, "submitted_at")}, {c(K, "submitted_by")},
                            {c(K, "marks")})
    SELECT $6::uuid, ok.id, $3::timestamptz, $4::bigint, $5::integer FROM ok
    ON CONFLICT ({c(K, "key")}) DO NOTHING RETURNING {c(K, "register")} AS register_id
), marked AS (
    UPDATE {table(S)} s SET {c(S, "mark")} = given.mark, {c(S, "minutes_late")} = given.minutes_late,
        {c(S, "absence_reason")} = given.absence_reason, {c(S, "note")} = given.note,
        {c(S, "marked_at")} = $3::timestamptz, {c(S, "marked_by")} = $4::bigint
    FROM given WHERE s.{c(S, "id")} = given.id AND s.{c(S, "register")} = $1::bigint AND EXISTS (SELECT FROM claim)
    RETURNING s.{c(S, "id")}, s.{c(S, "school")}, s.{c(S, "mark")}, extract(epoch FROM s.{c(S, "starts_at")})::float8
), submitted AS (
    UPDATE {table(R)} r SET {c(R, "submitted_at")} = $3::timestamptz, {c(R, "submitted_by")} = $4::bigint
    WHERE r.{c(R, "id")} = $1::bigint AND EXISTS (SELECT FROM claim)
), stopped AS (
    UPDATE {table(E)} e SET {c(E, "resolved_at")} = $3::timestamptz, {c(E, "resolved_by")} = $4::bigint,
        {c(E, "resolved_note")} = $8::text, {c(E, "next_step_at")} = NULL
    WHERE e.{c(E, "target_type")} = $10::integer AND e.{c(E, "target_id")} = $1::bigint AND e.{c(E, "ladder")} = $9::text
      AND e.{c(E, "resolved_at")} IS NULL AND {ladder_scope} AND EXISTS (SELECT FROM claim)
)
SELECT * FROM marked"""  # noqa: S608 (names from the models; values are parameters)
    return numbered(sql, 11)


def _submit_locked(register_id: int, marks: list[MarkInput], *, key: uuid.UUID, by, organisation,
                   now: dt.datetime) -> SubmitResult | Exception:
    """register_submit inside its transaction: the result, or the exception to raise once it ends
    (nothing has been written when one is returned)."""
    rows = list(ExpectedSession.objects.filter(register_id=register_id).select_related("register")
                .select_for_update(of=("register",)).only(*_SUBMIT_FIELDS).order_by("pk"))
    try:
        # A register left with no sessions (its placements ended) is read on its own.
        locked = rows[0].register if rows else Register.objects.select_for_update().get(pk=register_id)
    except Register.DoesNotExist as exc:
        return exc
    if organisation.pk != locked.provider_id:
        return Refusal("Only the provider takes this register.")
    if locked.submitted_at is not None:
        seen = _key_register(key)
        if seen is not None:
            return _repeated(seen, register_id)
        return AlreadySubmitted("This register has already been submitted. To change a mark, "
                                "choose Change next to the pupil and give a reason.")
    sessions = {s.pk: s for s in rows}
    problem = _marks_problem(sessions, marks)
    if problem is not None:
        return problem
    # The key first: a concurrent post with the same key (to another register: this one is locked)
    # waits here on the unique index, then finds it taken.
    if not _key_claim(key, register_id=register_id, by=by, now=now, marks=len(sessions)):
        return _repeated(_key_register(key), register_id)
    for mark in marks:
        _write(sessions[mark.session_id], mark, by=by, now=now)
    _save_marks(list(sessions.values()))
    locked.submitted_at, locked.submitted_by = now, by
    locked.save(update_fields=["submitted_at", "submitted_by"])
    alerts.register_submitted(locked, by=by, now=now)
    alerts.marks_recorded(list(sessions.values()), by=by, now=now)
    return SubmitResult(register_id=register_id, marks_written=len(sessions), repeated=False)


def _key_register(key: uuid.UUID) -> int | None:
    """The register a submission key was used for, if the caller can see it."""
    return RegisterSubmission.objects.filter(key=key).values_list("register_id", flat=True).first()


def _key_claim(key: uuid.UUID, *, register_id: int, by, now: dt.datetime, marks: int) -> bool:
    """INSERT the submission (its key) unless the key exists: True when this call inserted it.
    `ON CONFLICT DO NOTHING` waits for a concurrent insert of the same key to commit or roll back
    and then skips the row instead of raising IntegrityError, so no savepoint is needed to carry on
    after a taken key. The register was read and locked through the caller's scope."""
    meta = RegisterSubmission._meta
    values = {"key": key, "register": register_id, "submitted_at": now, "submitted_by": by.pk, "marks": marks}
    fields = [meta.get_field(name) for name in values]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({quote(meta.get_field('key').column)}) "
           f"DO NOTHING RETURNING {quote(meta.pk.column)}")
    params = [f.get_db_prep_save(values[f.name], connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


def _repeated(seen_register_id: int | None, register_id: int) -> SubmitResult | Refusal:
    if seen_register_id != register_id:
        return Refusal("This submission key belongs to another register. Reload the page and submit again.")
    return SubmitResult(register_id=register_id, marks_written=0, repeated=True)


def _marks_problem(sessions: dict[int, ExpectedSession], marks: list[MarkInput]) -> Exception | None:
    errors: dict[str, str] = {}
    given = [m.session_id for m in marks]
    unknown = [pk for pk in given if pk not in sessions]
    if unknown or len(set(given)) != len(given):
        return Refusal("The register has changed since the page was opened. Reload the page and mark it again.")
    for mark in marks:
        errors.update(mark_problems(mark, suffix=f"_{mark.session_id}"))
    for pk in sessions:
        if pk not in given:
            errors[f"mark_{pk}"] = "Choose Present, Late, Absent or Not required"
    return ValidationError(errors) if errors else None


# --- Changing a mark after submission -------------------------------------------------------

def mark_change(*, session: ExpectedSession, mark: MarkInput, reason: str, by, organisation,
                now: dt.datetime) -> MarkChange:
    """Change one pupil's mark on a submitted register: the session takes the new mark and an
    append-only MarkChange keeps the old one, the new one, who, when and why."""
    if organisation.pk != session.provider_id:
        raise Refusal("Only the provider changes marks on its register.")
    reason = (reason or "").strip()
    errors = {_CHANGE_FIELDS.get(k, k): v for k, v in mark_problems(mark).items()}
    if not reason:
        errors["reason"] = "Enter why the mark changed"
    elif len(reason) > CHANGE_REASON_MAX:
        errors["reason"] = f"Why the mark changed must be {CHANGE_REASON_MAX} characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = ExpectedSession.objects.select_for_update().select_related("register").get(pk=session.pk)
        if locked.register.submitted_at is None:
            raise Refusal("Submit the register first: marks change with a reason only after it is submitted.")
        new = _clean(mark)
        if new == (locked.mark, locked.minutes_late, locked.absence_reason):
            raise ValidationError({"mark": "The mark is the same as before: choose a different one"})
        change = MarkChange.objects.create(
            session=locked, changed_at=now, changed_by=by, reason=reason,
            old_mark=locked.mark, old_minutes_late=locked.minutes_late, old_absence_reason=locked.absence_reason,
            new_mark=new[0], new_minutes_late=new[1], new_absence_reason=new[2])
        _write(locked, mark, by=by, now=now)
        locked.save(update_fields=_MARK_FIELDS)
        alerts.marks_recorded([locked], by=by, now=now)
    return change


_CHANGE_FIELDS = {"minutes": "minutes_late", "reason": "absence_reason"}


# --- Known absences ------------------------------------------------------------------------

KNOWN_ABSENCE_REASONS = [AbsenceReason.SCHOOL_KNOWN, AbsenceReason.ILL, AbsenceReason.MEDICAL,
                         AbsenceReason.TRANSPORT, AbsenceReason.OTHER]
KNOWN_ABSENCE_MAX_DAYS = 366


def known_absence_record(*, placement, first_date: dt.date, last_date: dt.date, reason: str, note: str = "",
                         by, organisation, now: dt.datetime) -> KnownAbsence:
    """The school tells the provider in advance that the pupil will be absent from `first_date` to
    `last_date`: every session in those days is pre-filled Absent with `reason` on the register."""
    from placements.models import IN_AP_STATES, State

    if organisation.pk != placement.school_id:
        raise Refusal("Only the pupil's school records an absence in advance.")
    if placement.state not in (State.AGREED, *IN_AP_STATES):
        raise Refusal("An absence can be recorded only for an agreed or active placement.")
    today = now.astimezone(clock.LONDON).date()
    errors = {}
    if first_date < today:
        errors["first_date"] = "The first day absent must be today or in the future"
    if last_date < first_date:
        errors["last_date"] = "The last day absent must be the same as or after the first day"
    elif (last_date - first_date).days >= KNOWN_ABSENCE_MAX_DAYS:
        errors["last_date"] = "The last day absent must be within a year of the first day"
    if reason not in KNOWN_ABSENCE_REASONS:
        errors["reason"] = "Choose the reason for the absence"
    if len(note or "") > NOTE_MAX:
        errors["note"] = f"What the provider needs to know must be {NOTE_MAX} characters or fewer"
    if errors:
        raise ValidationError(errors)
    return KnownAbsence.objects.create(
        placement=placement, school_id=placement.school_id, provider_id=placement.provider_id,
        first_date=first_date, last_date=last_date, reason=reason, note=(note or "").strip(),
        recorded_at=now, recorded_by=by)
