from __future__ import annotations

import datetime as dt

import pytest

from apcommission import clock
from placements.factories import placement_in_state
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R
from tenancy.scoping import scope, scopes_disabled

NOW = dt.datetime(2026, 11, 25, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def placed(world):
    """Side a's pupil in an active placement at provider a (the clock frozen at NOW)."""
    with clock.frozen(NOW), scopes_disabled():
        world.placements["a"] = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER, "a"),
                                                   state="active", now=NOW)
    return world


def incident_data(n: int = 0) -> dict:
    return {"occurred_at": NOW - dt.timedelta(hours=n + 1), "location": "Workshop", "description": "Threw a chair",
            "action_taken": "Calmed down in the quiet room", "parent_informed": False}


def record(world, *, kind="behaviour", n=0, now=NOW):
    from safeguarding import services

    provider = world.org(K.PROVIDER, "a")
    with scope(organisation=provider):
        return services.incident_record(placement=world.placements["a"], kind=kind, data=incident_data(n),
                                        by=world.user(K.PROVIDER, R.PROVIDER_STAFF), organisation=provider, now=now)
