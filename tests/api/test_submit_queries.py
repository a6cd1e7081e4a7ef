"""A register submission through the API costs a fixed number of queries, however many pupils and
whatever their marks: the token (one query) and one statement that locks and checks the register
and its sessions, claims the submission's key and writes the marks, the register and its stopped
missing-register ladder (attendance.services._submit_at_once). `python -m bench register` measures
its speed; this keeps the work from growing back."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.contenttypes.models import ContentType

from attendance.factories import register_with_sessions
from attendance.models import ExpectedSession, Register, RegisterSubmission
from placements.factories import PupilFactory, placement_in_state
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scopes_disabled

pytestmark = pytest.mark.django_db

# Token 1 + the submission's statement 1, and the test database's savepoint and release around the
# request's transaction (ATOMIC_REQUESTS).
QUERY_BUDGET = 4


def _sessions(register):
    with scopes_disabled():
        return list(ExpectedSession.objects.filter(register=register).order_by("pk").values_list("pk", flat=True))


def _post(client, register, marks):
    return client.post(f"/api/v1/registers/{register.pk}/submit/",
                       {"idempotency_key": str(uuid.uuid4()), "marks": marks}, content_type="application/json")


def _warm_client(api_world):
    """A provider staff's client whose token was used a moment ago (last_used_at is written once a
    minute) and a process that has looked up the register's content type (cached for good)."""
    ContentType.objects.get_for_model(Register)
    client = api_world.client()
    client.get("/api/v1/registers/")
    return client


def test_submitting_costs_the_same_queries_for_two_pupils_or_ten(api_world, django_assert_max_num_queries):
    client = _warm_client(api_world)
    marks = [{"session": pk, "mark": "present"} for pk in _sessions(api_world.register_a)]
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = _post(client, api_world.register_a, marks)
    assert response.status_code == 200, response.content

    world = api_world.world
    provider = world.org(K.PROVIDER, "a")
    placements = [placement_in_state(pupil=PupilFactory(school=world.org(K.SCHOOL, "a")), provider=provider,
                                     state="active", now=api_world.register_a.starts_at) for _ in range(10)]
    ten = register_with_sessions(placements=placements,
                                 starts_at=api_world.register_a.starts_at.replace(hour=13), part="pm")
    marks = [{"session": pk, "mark": "present"} for pk in _sessions(ten)]
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = _post(client, ten, marks)
    assert response.status_code == 200, response.content
    assert response.json()["marks_written"] == 10
    with scopes_disabled():
        assert set(ExpectedSession.objects.filter(register=ten).values_list("mark", flat=True)) == {"present"}
        assert RegisterSubmission.objects.filter(register=ten).count() == 1


def test_late_and_absent_marks_cost_no_more_queries(api_world, django_assert_max_num_queries):
    client = _warm_client(api_world)
    late, absent = _sessions(api_world.register_a)
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = _post(client, api_world.register_a, [
            {"session": late, "mark": "late", "minutes_late": 5},
            {"session": absent, "mark": "absent", "absence_reason": "ill"}])
    assert response.status_code == 200, response.content
    with scopes_disabled():
        assert dict(ExpectedSession.objects.filter(pk__in=[late, absent]).values_list("pk", "mark")) == {
            late: "late", absent: "absent"}
