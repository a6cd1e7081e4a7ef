"""Registers for the API tests: provider a has a 09:00 register today with school a's and school
c's pupils; provider b has one with school b's pupil. The clock is frozen at WORLD_NOW."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from apcommission import clock
from api.services import token_create
from attendance.factories import register_with_sessions
from placements.factories import placement_in_state
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope
from tests.conftest import WORLD_NOW


def make_token(membership, name: str = "Register app") -> str:
    with scope(organisation=membership.organisation, membership=membership):
        _, raw = token_create(membership=membership, name=name, now=clock.now())
    return raw


def api_client(raw: str | None) -> Client:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    return Client(**headers)


@dataclass
class ApiWorld:
    world: object
    register_a: object  # provider a, 09:00 today: school a's and school c's pupils
    register_b: object  # provider b, 09:00 today: school b's pupil

    def token(self, kind, role, side="a") -> str:
        return make_token(self.world.member(kind, role, side))

    def client(self, kind=K.PROVIDER, role=Role.PROVIDER_STAFF, side="a") -> Client:
        return api_client(self.token(kind, role, side))


@pytest.fixture
def frozen_clock():
    with clock.frozen(WORLD_NOW):
        yield WORLD_NOW


def build_registers(world):
    today = WORLD_NOW.astimezone(clock.LONDON).date()
    nine = clock.london(today, dt.time(9, 0))
    placement_a = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER, "a"), state="active",
                                     now=WORLD_NOW)
    placement_b = placement_in_state(pupil=world.pupils["b"], provider=world.org(K.PROVIDER, "b"), state="active",
                                     now=WORLD_NOW)
    register_a = register_with_sessions(placements=[placement_a, world.placements["c"]], starts_at=nine)
    register_b = register_with_sessions(placements=[placement_b], starts_at=nine)
    return register_a, register_b


@pytest.fixture
def api_world(shared_provider_world, frozen_clock) -> ApiWorld:
    register_a, register_b = build_registers(shared_provider_world)
    return ApiWorld(shared_provider_world, register_a, register_b)
