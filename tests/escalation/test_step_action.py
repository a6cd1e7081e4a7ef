"""A ladder step's action (escalation.ladders.Step.action): run once when its step is reached, in
the sweep's transaction with the level and the step's notifications — a failure undoes the
action's writes and the notifications and the step is taken again later; a level passed over after
downtime does not run its action. (qa_framework's "qa_next_visit" ladder lapses approval this way:
tests/qa_framework/test_schedule_next_visit.py.)"""

from __future__ import annotations

import datetime as dt

import pytest

from escalation import ladders
from escalation.ladders import Ladder, Message, Step
from escalation.services import escalation_start
from notifications.models import Notification
from placements.models import Pupil
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import DUE, SESSION_END
from .test_engine import row, sweep


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NAME = "test_step_action"
MIN = dt.timedelta(minutes=1)
RETRY = dt.timedelta(minutes=5)


def _ap_lead(ctx):
    return [(ctx.organisation, [Role.AP_LEAD])]


class Recorder:
    """The action: renames the target pupil after the level (a write the transaction may undo)
    and remembers each call; `fail` makes the next call raise after its write."""

    def __init__(self):
        self.calls: list[tuple[int, int]] = []
        self.fail = False

    def __call__(self, ctx):
        Pupil._base_manager.filter(pk=ctx.escalation.target_id).update(first_name=f"Level{ctx.level}")
        self.calls.append((ctx.level, ctx.target.pk))
        if self.fail:
            raise RuntimeError("the action failed")


@pytest.fixture
def action_ladder():
    recorder = Recorder()
    ladders.register(Ladder(
        name=NAME,
        steps=(Step(recipients=_ap_lead, topic="register_missing"),
               Step(recipients=_ap_lead, topic="register_missing", offset=30 * MIN, action=recorder),
               Step(recipients=_ap_lead, topic="register_missing", anchor="session_end", action=recorder)),
        message=lambda ctx: Message(f"Level {ctx.level}", "Sign in to see who."),
        load_targets=ladders.load_by_pk(Pupil), retry_after=RETRY))
    yield recorder
    ladders.unregister(NAME)


def _start(world):
    with scope(organisation=world.org(K.SCHOOL)):
        return escalation_start(ladder=NAME, target=world.pupils["a"], organisation=world.org(K.SCHOOL),
                                anchors={"due": DUE, "session_end": SESSION_END}, now=DUE - MIN)


def _state(world):
    """(the pupil's first name, the subjects the AP lead was told), read without a scope."""
    with scopes_disabled():
        name = Pupil._base_manager.get(pk=world.pupils["a"].pk).first_name
        subjects = list(Notification.objects.filter(topic="register_missing").order_by("pk")
                        .values_list("subject", flat=True))
    return name, subjects


def test_the_action_runs_once_when_its_step_is_reached(world, action_ladder):
    esc = _start(world)
    pupil = world.pupils["a"].pk
    sweep(DUE)
    assert action_ladder.calls == [] and _state(world) == ("PupilA", ["Level 1"])  # step 1 has no action
    sweep(DUE + 29 * MIN)
    assert action_ladder.calls == []
    sweep(DUE + 30 * MIN)
    sweep(DUE + 30 * MIN)  # the same tick again: nothing twice
    assert action_ladder.calls == [(2, pupil)]
    assert _state(world) == ("Level2", ["Level 1", "Level 2"])
    assert row(esc).level == 2


def test_a_failing_action_undoes_its_writes_and_the_notifications_and_is_retried(world, action_ladder):
    esc = _start(world)
    sweep(DUE)
    action_ladder.fail = True
    result = sweep(DUE + 30 * MIN)
    assert (result.stepped, result.retried) == (0, 1)
    assert _state(world) == ("PupilA", ["Level 1"])  # the rename rolled back; nobody told of level 2
    assert (row(esc).level, row(esc).next_step_at) == (1, DUE + 30 * MIN + RETRY)
    action_ladder.fail = False
    sweep(DUE + 30 * MIN + RETRY)
    assert [level for level, _ in action_ladder.calls] == [2, 2]  # tried, undone; tried again
    assert _state(world) == ("Level2", ["Level 1", "Level 2"])
    assert row(esc).level == 2


def test_a_level_passed_over_after_downtime_does_not_run_its_action(world, action_ladder):
    _start(world)
    sweep(SESSION_END + MIN)  # the sweep was down from before the first step to after the last
    assert action_ladder.calls == [(3, world.pupils["a"].pk)]
    assert _state(world) == ("Level3", ["Level 3"])
