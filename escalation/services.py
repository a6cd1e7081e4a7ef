"""Start, resolve and sweep escalations: the one engine behind every ladder (ladders.py).

The sweep (a beat task every minute, cross-tenant, so it disables scoping itself) reads the rows
whose next step is due through the partial index `escalation_due`, in batches, each batch in one
transaction:

1. claim: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED` (a second sweep running at the same time
   skips the rows this one holds, and finds them no longer due once it commits); elsewhere
   (SQLite) a conditional UPDATE per row on the level and next step it read;
2. decide: the level the clock demands *now* (after downtime that may skip levels: only the
   current level is notified, never the ones passed), its recipients and its message;
3. write: the new level and next step (NULL after the last step) for the whole batch in one
   statement, then, per row, the step's action (if it has one: `Step.action`) and its notifications
   through notifications.services.notify with the dedupe key `escalation:<row>:<level>`, so a re-run
   can never tell anyone twice (action and notifications in one savepoint: both or neither);
4. commit.

A row whose ladder functions raise is logged and looked at again `retry_after` later; it never
stops the sweep. Resolving a row (register submitted, alert acknowledged) clears `next_step_at`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from notifications.services import notify
from tenancy.models import Organisation
from tenancy.scoping import scopes_disabled

from . import ladders
from .ladders import Message, StepContext
from .models import Escalation

log = logging.getLogger(__name__)

BATCH_SIZE = 5000


def _encode_anchors(ladder: ladders.Ladder, anchors: Mapping[str, dt.datetime]) -> dict[str, str]:
    missing = {step.anchor for step in ladder.steps} - set(anchors)
    if missing:
        raise ValueError(f"ladder {ladder.name!r} needs anchors {sorted(missing)}")
    if any(timezone.is_naive(at) for at in anchors.values()):
        raise ValueError("anchors must be aware datetimes")
    return {name: at.astimezone(dt.UTC).isoformat() for name, at in anchors.items()}


def _decode_anchors(anchors: Mapping[str, str]) -> dict[str, dt.datetime]:
    return {name: dt.datetime.fromisoformat(at) for name, at in anchors.items()}


def escalation_start(*, ladder: str, target, organisation: Organisation, anchors: Mapping[str, dt.datetime],
                     now: dt.datetime, other_organisation: Organisation | None = None) -> Escalation:
    """Put `target` on `ladder` (idempotent: a target is on a ladder once). Level 0; the first
    step is due at its anchor + offset."""
    chosen = ladders.get(ladder)
    encoded = _encode_anchors(chosen, anchors)
    times = ladders.step_times(chosen, _decode_anchors(encoded))
    row, _ = Escalation.objects.get_or_create(
        ladder=ladder, target_type=ContentType.objects.get_for_model(target), target_id=target.pk,
        defaults={"organisation": organisation, "other_organisation": other_organisation, "anchors": encoded,
                  "level": 0, "next_step_at": ladders.next_step_after(times, 0), "started_at": now},
    )
    return row


@dataclass(frozen=True)
class Start:
    """One target to put on a ladder with `escalation_start_many`."""

    target_id: int
    organisation_id: int
    anchors: Mapping[str, dt.datetime]
    other_organisation_id: int | None = None


def escalation_start_many(*, ladder: str, target_model, starts: Iterable[Start], now: dt.datetime) -> int:
    """Put many targets of one model on `ladder` in one INSERT (a target already on it is left as
    it is). For generators that create hundreds of targets at once. Returns how many were offered.

    Bookkeeping for targets the caller has just created, so it needs no tenant scope (generators
    run in beat jobs and in either side's requests); who sees the rows is Escalation.scope_q's."""
    chosen = ladders.get(ladder)
    target_type = ContentType.objects.get_for_model(target_model)
    rows = []
    for start in starts:
        encoded = _encode_anchors(chosen, start.anchors)
        times = ladders.step_times(chosen, _decode_anchors(encoded))
        rows.append(Escalation(
            ladder=ladder, target_type=target_type, target_id=start.target_id,
            organisation_id=start.organisation_id, other_organisation_id=start.other_organisation_id,
            anchors=encoded, level=0, next_step_at=ladders.next_step_after(times, 0), started_at=now))
    if rows:
        Escalation._base_manager.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def escalation_restart_many(*, ladder: str, target_model, starts: Iterable[Start], now: dt.datetime) -> int:
    """Put targets on `ladder` afresh: a row a target already has (running or resolved) is replaced
    by a new one at level 0, so the new run's notifications carry new dedupe keys. For a target
    whose late thing comes round again (a DBS check renewed: its next expiry is a new run).
    Bookkeeping like `escalation_start_many`: no tenant scope. Returns how many were started."""
    starts = list(starts)
    with transaction.atomic():
        Escalation._base_manager.filter(
            ladder=ladder, target_type=ContentType.objects.get_for_model(target_model),
            target_id__in=[start.target_id for start in starts]).delete()
        return escalation_start_many(ladder=ladder, target_model=target_model, starts=starts, now=now)


def escalation_move(*, ladder: str, target_model, anchors_by_target: Mapping[int, Mapping[str, dt.datetime]],
                    now: dt.datetime) -> int:
    """New anchors for targets already on `ladder` (the session moved). Levels already taken stay
    taken (nobody is told twice); the next step is counted from the new anchors (a step now
    overdue is taken by the next sweep). Rows are locked while they change, so a sweep running at
    the same time either finishes first or sees the new times. Returns rows moved. Like
    `escalation_start_many`, bookkeeping for targets the caller changed: no tenant scope needed."""
    chosen = ladders.get(ladder)
    target_type = ContentType.objects.get_for_model(target_model)
    moved = 0
    with transaction.atomic():
        rows = (Escalation._base_manager.select_for_update()
                .filter(ladder=ladder, target_type=target_type, target_id__in=list(anchors_by_target),
                        resolved_at__isnull=True).values_list("pk", "target_id", "level"))
        for pk, target_id, level in rows:
            encoded = _encode_anchors(chosen, anchors_by_target[target_id])
            times = ladders.step_times(chosen, _decode_anchors(encoded))
            moved += Escalation._base_manager.filter(pk=pk).update(anchors=encoded,
                                                             next_step_at=ladders.next_step_after(times, level))
    return moved


def escalation_resolve_many(*, ladder: str, target_model, target_ids: Iterable[int], by, note: str,
                            now: dt.datetime) -> int:
    """Stop `ladder` for many targets of one model that no longer need it (deleted, no longer
    expected): bookkeeping for targets the caller changed, so no tenant scope. A person stopping a
    ladder goes through `escalation_resolve` (scoped). Returns rows stopped."""
    return Escalation._base_manager.filter(
        ladder=ladder, target_type=ContentType.objects.get_for_model(target_model), target_id__in=list(target_ids),
        resolved_at__isnull=True,
    ).update(resolved_at=now, resolved_by=by, resolved_note=note, next_step_at=None)


def escalation_resolve(*, ladder: str, target, by, note: str, now: dt.datetime) -> bool:
    """Stop the ladder for `target` (through the caller's scope). False if it was not running."""
    return Escalation.objects.filter(
        ladder=ladder, target_type=ContentType.objects.get_for_model(target), target_id=target.pk,
        resolved_at__isnull=True,
    ).update(resolved_at=now, resolved_by=by, resolved_note=note, next_step_at=None) == 1


@dataclass
class SweepResult:
    stepped: int = 0  # targets moved to a new level
    notified: int = 0  # notifications created
    retried: int = 0  # targets whose step failed and will be tried again later

    def __iadd__(self, other: SweepResult) -> SweepResult:
        self.stepped += other.stepped
        self.notified += other.notified
        self.retried += other.retried
        return self


# What the sweep reads of a due row. `next_step_at` only where it claims by conditional UPDATE (no row
# locks): decoding 5,000 timestamps costs more than the rest of a batch.
_COLUMNS = ("id", "ladder", "target_type_id", "target_id", "organisation_id", "other_organisation_id", "anchors",
            "level")


@dataclass
class _Row:
    id: int
    ladder: str
    target_type_id: int
    target_id: int
    organisation_id: int
    other_organisation_id: int | None
    anchors: dict
    level: int
    next_step_at: dt.datetime | None = None
    # the decision
    new_level: int = 0
    new_next: dt.datetime | None = None
    message: Message | None = None
    recipients: tuple = ()  # (organisation, roles, user ids or None, message)
    topic: str = ""
    urgent: bool = False
    action: Callable[[], None] | None = None  # the step's action, bound to its context
    failed: bool = False


def due_query(*, now: dt.datetime):
    """The sweep's query (run without a tenant scope): matches the partial index `escalation_due`."""
    return Escalation.objects.filter(next_step_at__lte=now, resolved_at__isnull=True).order_by("next_step_at")


def escalation_sweep(*, now: dt.datetime, batch_size: int = BATCH_SIZE, max_batches: int = 100) -> SweepResult:
    """One tick: every due row of every ladder, batch by batch. Safe to run twice at once."""
    result = SweepResult()
    for _ in range(max_batches):
        claimed, batch = _sweep_batch(now=now, batch_size=batch_size)
        result += batch
        if claimed < batch_size:
            break
    return result


def escalation_step_now(*, escalation_ids: Iterable[int], now: dt.datetime) -> SweepResult:
    """Take the due steps of these rows at once, the sweep's own way (claim, decide, notify with the
    same dedupe keys): for a ladder whose first step must not wait for the next tick (a pupil not
    accounted for). The beat sweep then finds nothing left to do for them."""
    ids = list(escalation_ids)
    if not ids:
        return SweepResult()
    return _sweep_batch(now=now, batch_size=len(ids), only=ids)[1]


def _sweep_batch(*, now: dt.datetime, batch_size: int, only: list[int] | None = None) -> tuple[int, SweepResult]:
    locking = connection.features.has_select_for_update_skip_locked
    result = SweepResult()
    with scopes_disabled(), transaction.atomic():
        query = due_query(now=now)
        if only is not None:
            query = query.filter(pk__in=only)
        if locking:
            query, columns = query.select_for_update(skip_locked=True), _COLUMNS
        else:
            columns = (*_COLUMNS, "next_step_at")
        rows = [_Row(*values) for values in query.values_list(*columns)[:batch_size]]
        stepping = _decide(rows, now=now)
        if locking:
            _write_all(rows, now=now)
        else:
            won = set(_write_each(rows, now=now))
            stepping = [row for row in stepping if row.id in won]
        for row in stepping:
            sent = _notify(row, now=now)
            if sent is None:
                result.retried += 1
            else:
                result.stepped += 1
                result.notified += sent
        result.retried += sum(1 for row in rows if row.failed)
    return len(rows), result


def _decide(rows: list[_Row], *, now: dt.datetime) -> list[_Row]:
    """Set each row's new level and next step; return the rows that take a step now, with their
    recipients and message decided. Targets and organisations are loaded once per batch."""
    stepping: list[tuple[_Row, ladders.Ladder]] = []
    for row in rows:
        try:
            ladder = ladders.get(row.ladder)
            times = ladders.step_times(ladder, _decode_anchors(row.anchors))
            row.new_level = max(ladders.level_due(times, now), row.level)
            row.new_next = ladders.next_step_after(times, row.new_level)
        except Exception:
            log.exception("escalation %s: cannot read ladder %r; will look again later", row.id, row.ladder)
            _retry(row, now=now, after=dt.timedelta(minutes=5))
            continue
        if row.new_level > row.level:
            stepping.append((row, ladder))
    if not stepping:
        return []
    org_ids = {row.organisation_id for row, _ in stepping} | {row.other_organisation_id for row, _ in stepping}
    orgs = Organisation.objects.in_bulk([pk for pk in org_ids if pk is not None])
    targets: dict[str, Mapping[int, object]] = {}
    for ladder in {ladder.name: ladder for _, ladder in stepping}.values():
        if ladder.load_targets is None:
            continue
        try:
            targets[ladder.name] = ladder.load_targets([row.target_id for row, lad in stepping if lad is ladder])
        except Exception:
            log.exception("ladder %r: loading its targets failed; its rows will retry", ladder.name)
            for row, lad in stepping:
                if lad is ladder:
                    _retry(row, now=now, after=ladder.retry_after)
    decided = []
    for row, ladder in stepping:
        if row.failed:
            continue
        step = ladder.steps[row.new_level - 1]
        ctx = StepContext(escalation=row, target=targets.get(ladder.name, {}).get(row.target_id),
                          organisation=orgs[row.organisation_id],
                          other_organisation=orgs.get(row.other_organisation_id), level=row.new_level, step=step,
                          now=now)
        try:
            pairs = tuple(_recipient(entry) for entry in step.recipients(ctx))
            if ladder.message_per_recipient:
                row.recipients = tuple((org, roles, users, ladder.message(replace(ctx, recipient=org)))
                                       for org, roles, users in pairs)
            else:
                row.message = ladder.message(ctx)
                row.recipients = tuple((org, roles, users, row.message) for org, roles, users in pairs)
            row.topic = step.topic
            row.urgent = step.urgent
            if step.action is not None:
                row.action = partial(step.action, ctx)
        except Exception:
            log.exception("escalation %s: ladder %r step %s failed; will retry", row.id, ladder.name, row.new_level)
            _retry(row, now=now, after=ladder.retry_after)
            continue
        decided.append(row)
    return decided


def _recipient(entry) -> tuple:
    """(organisation, roles) or (organisation, roles, user ids): the last narrows the roles to
    named people (a placement's visit owner)."""
    org, roles, *users = entry
    return org, tuple(roles), (tuple(users[0]) if users and users[0] is not None else None)


def _retry(row: _Row, *, now: dt.datetime, after: dt.timedelta) -> None:
    row.new_level, row.new_next, row.failed = row.level, now + after, True


def _write_all(rows: list[_Row], *, now: dt.datetime) -> None:
    """PostgreSQL: the batch's rows are locked by this transaction; one UPDATE writes them all.
    Next steps travel as integer microseconds since the epoch (exact, and cheap to send)."""
    if not rows:
        return
    table = Escalation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS e SET level = v.level, "  # noqa: S608 (table name)
            "next_step_at = timestamptz 'epoch' + v.next_us * interval '1 microsecond', "
            "last_step_at = CASE WHEN v.level > e.level THEN %s ELSE e.last_step_at END "
            "FROM unnest(%s::bigint[], %s::smallint[], %s::bigint[]) AS v(id, level, next_us) "
            "WHERE e.id = v.id",
            [now, [r.id for r in rows], [r.new_level for r in rows], [_epoch_us(r.new_next) for r in rows]],
        )


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _epoch_us(at: dt.datetime | None) -> int | None:
    return None if at is None else (at - _EPOCH) // dt.timedelta(microseconds=1)


def _write_each(rows: list[_Row], *, now: dt.datetime) -> list[int]:
    """Without row locks (SQLite): claim each row by a conditional UPDATE on what was read."""
    won = []
    for row in rows:
        changes = {"level": row.new_level, "next_step_at": row.new_next}
        if row.new_level > row.level:
            changes["last_step_at"] = now
        if Escalation.objects.filter(pk=row.id, level=row.level, next_step_at=row.next_step_at,
                                     resolved_at__isnull=True).update(**changes) == 1:
            won.append(row.id)
    return won


def _notify(row: _Row, *, now: dt.datetime) -> int | None:
    """Run the step's action, then tell its recipients, in one savepoint; None (and the row put back a
    while, the action undone) if either failed."""
    if not row.recipients and row.action is None:
        return 0
    try:
        with transaction.atomic():
            if row.action is not None:
                row.action()
            return sum(len(notify(organisation=org, roles=roles, topic=row.topic, subject=message.subject,
                                  body=message.body, link=message.link,
                                  dedupe_key=f"escalation:{row.id}:{row.new_level}", now=now,
                                  target=(row.target_type_id, row.target_id), urgent=row.urgent, users=users))
                       for org, roles, users, message in row.recipients)
    except Exception:
        log.exception("escalation %s: the action or notifying of level %s failed; will retry", row.id, row.new_level)
        Escalation.objects.filter(pk=row.id).update(level=row.level, next_step_at=now + ladders.get(row.ladder).retry_after)
        return None
