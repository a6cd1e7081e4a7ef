"""Ladders are declared in code: ordered steps, each at an offset from a named anchor instant.

    register(Ladder(
        name="missing_register",
        steps=(
            Step(anchor="due", offset=dt.timedelta(0), topic="register_missing", recipients=provider_and_attendance),
            Step(anchor="due", offset=dt.timedelta(minutes=30), topic="register_missing", recipients=dsl_and_ap_lead),
            Step(anchor="session_end", topic="register_missing", recipients=headteacher, urgent=True),
        ),
        message=register_message,          # (ctx) -> Message(subject, body, link)
        load_targets=load_by_pk(Register), # ids -> {id: target}, one query per tick (optional)
    ))

A step may also carry an `action` (ctx) -> None, run when the step is reached in the same
transaction as the level it writes (see `Step`). Step times are computed in UTC from aware anchors (`step_time`), so "30 minutes later" is 30 real
minutes on the days the clocks change; wall-clock arithmetic on a Europe/London datetime is not.
Apps register their ladders in their AppConfig.ready(); tests may register and unregister their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tenancy.models import Organisation

# (organisation, roles), or (organisation, roles, user ids) to tell only those people among the roles.
Recipients = Iterable[tuple]


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    link: str = ""


@dataclass(frozen=True)
class StepContext:
    """What a ladder's recipients and message functions see for one step of one target."""

    escalation: Any  # escalation.models.Escalation
    target: Any  # what load_targets returned for the row (None without load_targets)
    organisation: Organisation
    other_organisation: Organisation | None
    level: int  # 1-based: the step being taken
    step: Step
    now: dt.datetime
    # With `Ladder.message_per_recipient`: the organisation the message is being written for.
    recipient: Organisation | None = None


@dataclass(frozen=True)
class Step:
    recipients: Callable[[StepContext], Recipients]  # (organisation, roles[, user ids])
    topic: str
    anchor: str = "due"
    offset: dt.timedelta = dt.timedelta(0)
    urgent: bool = False
    # What happens when the step is reached besides telling people (approval lapses): called with
    # the step's context once the row is claimed, inside the sweep's transaction and in one savepoint
    # with the step's notifications. If it (or the notifying) raises, both are undone and the step is
    # taken again `retry_after` later; otherwise it is committed with the new level, so it runs once
    # per level. A level passed over after downtime (only the current level is taken) does not run
    # its action: put an action that must happen on a step no later step skips (the last).
    action: Callable[[StepContext], None] | None = None


@dataclass(frozen=True)
class Ladder:
    name: str
    steps: tuple[Step, ...]
    message: Callable[[StepContext], Message]
    load_targets: Callable[[list[int]], Mapping[int, Any]] | None = None
    # When a step cannot be taken (its functions raised), the row is looked at again this much later.
    retry_after: dt.timedelta = field(default=dt.timedelta(minutes=5))
    # True: `message` is called once per recipient organisation (ctx.recipient set), so each side
    # reads what it should do ("take the register" / "contact the provider").
    message_per_recipient: bool = False
    # Who else sees this ladder's rows besides `organisation` and `other_organisation`:
    # (organisation) -> Q on Escalation (e.g. every school with a pupil on a register). Used by
    # Escalation.scope_q, restricted to this ladder's rows.
    visible_to: Callable[[Organisation], Any] | None = None

    def __post_init__(self):
        if not self.steps:
            raise ValueError(f"ladder {self.name!r} has no steps")


def step_time(anchors: Mapping[str, dt.datetime], step: Step) -> dt.datetime:
    """The instant a step is due: its anchor plus its offset, added in UTC (real elapsed time)."""
    return anchors[step.anchor].astimezone(dt.UTC) + step.offset


def step_times(ladder: Ladder, anchors: Mapping[str, dt.datetime]) -> list[dt.datetime]:
    return [step_time(anchors, step) for step in ladder.steps]


def level_due(times: Sequence[dt.datetime], now: dt.datetime) -> int:
    """The level the clock demands at `now`: the number of the last step whose time has come."""
    level = 0
    for i, at in enumerate(times):
        if at <= now:
            level = i + 1
    return level


def next_step_after(times: Sequence[dt.datetime], level: int) -> dt.datetime | None:
    """When the step after `level` is due (None after the last step)."""
    later = times[level:]
    return min(later) if later else None


def load_by_pk(model) -> Callable[[list[int]], Mapping[int, Any]]:
    """`load_targets` for targets that are rows of `model`: one query for a batch (no scope: sweep)."""

    def load(ids: list[int]) -> Mapping[int, Any]:
        return model._base_manager.in_bulk(ids)

    return load


_LADDERS: dict[str, Ladder] = {}


def register(ladder: Ladder) -> Ladder:
    if ladder.name in _LADDERS and _LADDERS[ladder.name] is not ladder:
        raise ValueError(f"a ladder named {ladder.name!r} is already registered")
    _LADDERS[ladder.name] = ladder
    return ladder


def unregister(name: str) -> None:
    _LADDERS.pop(name, None)


def get(name: str) -> Ladder:
    try:
        return _LADDERS[name]
    except KeyError:
        raise LookupError(f"no ladder named {name!r} is registered") from None


def registered() -> dict[str, Ladder]:
    return dict(_LADDERS)
