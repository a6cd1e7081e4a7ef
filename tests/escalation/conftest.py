"""A test ladder shaped like issue 11's missing-register ladder: at due_at the school's attendance
officer and the provider's staff; 30 minutes later the school's DSL and AP lead; at the end of the
session the headteacher (urgent). Targets are pupils (any model with an integer key would do)."""

from __future__ import annotations

import datetime as dt

import pytest

from apcommission import clock
from escalation import ladders
from escalation.ladders import Ladder, Message, Step
from tenancy.roles import Role

LADDER = "test_missing_register"
# Monday 30 November 2026, GMT: the 09:00 session is due at 09:30 and ends at 12:00.
SESSION_START = clock.london(dt.date(2026, 11, 30), dt.time(9, 0))
DUE = SESSION_START + dt.timedelta(minutes=30)
SESSION_END = clock.london(dt.date(2026, 11, 30), dt.time(12, 0))


def school_first(ctx):
    pairs = [(ctx.organisation, [Role.ATTENDANCE_OFFICER])]
    if ctx.other_organisation is not None:
        pairs.append((ctx.other_organisation, [Role.PROVIDER_STAFF]))
    return pairs


def dsl_and_ap_lead(ctx):
    return [(ctx.organisation, [Role.DSL, Role.AP_LEAD])]


def headteacher(ctx):
    return [(ctx.organisation, [Role.HEADTEACHER])]


def message(ctx):
    return Message(subject=f"Register not received (level {ctx.level})",
                   body=f"{ctx.organisation.name}: no register for the session. Sign in to see who.", link="/")


TEST_LADDER = Ladder(
    name=LADDER,
    steps=(
        Step(recipients=school_first, topic="register_missing"),
        Step(recipients=dsl_and_ap_lead, topic="register_missing", offset=dt.timedelta(minutes=30)),
        Step(recipients=headteacher, topic="register_missing", anchor="session_end", urgent=True),
    ),
    message=message,
)


@pytest.fixture
def test_ladder():
    ladders.register(TEST_LADDER)
    yield TEST_LADDER
    ladders.unregister(LADDER)


def anchors(due=DUE, end=SESSION_END):
    return {"due": due, "session_end": end}
