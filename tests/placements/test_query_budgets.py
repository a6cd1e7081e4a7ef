"""List views make the same number of queries whatever the number of rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placements.factories import PupilFactory, placement_in_state
from placements.models import State
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tests.test_dashboard_queries import (
    QUERY_BUDGET,  # the school dashboard's, the largest of these pages
)

from .conftest import NOW


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


STATES = [State.DRAFT, State.REFERRED, State.ACCEPTED, State.AGREED, State.ACTIVE, State.SUSPENDED, State.ENDED]


def _add(world, n):
    for i in range(n):
        pupil = PupilFactory(school=world.org(K.SCHOOL), year_group=11 if i % 2 else 10)
        placement_in_state(pupil=pupil, provider=world.org(K.PROVIDER), state=STATES[i % len(STATES)], now=NOW)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind, role, url", [
    (K.SCHOOL, Role.AP_LEAD, "/o/school-a/pupils/"),
    (K.SCHOOL, Role.AP_LEAD, "/o/school-a/placements/"),
    (K.PROVIDER, Role.PROVIDER_MANAGER, "/o/provider-a/placements/"),
    (K.TRUST, Role.TRUST_EXECUTIVE, "/o/trust-a/placements/"),
    (K.LOCAL_AUTHORITY, Role.AP_OFFICER, "/o/la-a/area/children-in-ap/"),
    (K.SCHOOL, Role.AP_LEAD, "/o/school-a/"),
    (K.LOCAL_AUTHORITY, Role.AP_OFFICER, "/o/la-a/"),
    (K.PROVIDER, Role.PROVIDER_MANAGER, "/o/provider-a/"),
])
def test_list_queries_do_not_grow_with_rows(kind, role, url, world, login, django_assert_max_num_queries):
    client = login(world.user(kind, role))
    _add(world, len(STATES))  # one placement in each state
    small = _count(client, url)
    _add(world, 3 * len(STATES))
    with django_assert_max_num_queries(small):
        client.get(url)
    assert small <= QUERY_BUDGET, f"{url} makes {small} queries"
