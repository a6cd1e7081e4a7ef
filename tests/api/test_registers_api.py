"""The register endpoints: scoping, capabilities, validation, no N+1."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import ExpectedSession, RegisterSubmission
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

from .conftest import build_registers

pytestmark = pytest.mark.django_db

REGISTERS = "/api/v1/registers/"


def submit_url(register) -> str:
    return f"/api/v1/registers/{register.pk}/submit/"


def _session_ids(register):
    with scopes_disabled():
        return list(ExpectedSession.objects.filter(register=register).order_by("pk").values_list("pk", flat=True))


def test_provider_staff_list_todays_registers_with_their_sessions(api_world):
    response = api_world.client().get(REGISTERS)

    assert response.status_code == 200
    (register,) = response.json()
    assert register["id"] == api_world.register_a.pk
    assert register["submitted_at"] is None
    sessions = register["sessions"]
    assert [s["id"] for s in sessions] == _session_ids(api_world.register_a)
    pupils = {s["pupil"] for s in sessions}
    world = api_world.world
    assert {f"{world.pupils[side].first_name} {world.pupils[side].last_name}" for side in ("a", "c")} == pupils
    assert world.pupils["b"].first_name not in response.content.decode()  # provider b's pupil
    assert all(s["mark"] == "" and s["due_at"] and s["starts_at"] for s in sessions)


def test_another_day_and_a_bad_date(api_world):
    client = api_world.client()
    assert client.get(REGISTERS, {"date": "2026-11-26"}).json() == []
    assert client.get(REGISTERS, {"date": api_world.register_a.date.isoformat()}).json()[0]["id"] == \
        api_world.register_a.pk
    response = client.get(REGISTERS, {"date": "26/11/2026"})
    assert response.status_code == 400 and "date" in response.json()


def test_another_providers_register_is_404(api_world):
    response = api_world.client().post(submit_url(api_world.register_b), {
        "idempotency_key": str(uuid.uuid4()),
        "marks": [{"session": pk, "mark": "present"} for pk in _session_ids(api_world.register_b)],
    }, content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.ATTENDANCE_OFFICER, Role.AP_LEAD])
def test_a_school_token_is_refused_on_provider_endpoints(api_world, role):
    client = api_world.client(K.SCHOOL, role)
    assert client.get(REGISTERS).status_code == 403
    response = client.post(submit_url(api_world.register_a), {}, content_type="application/json")
    assert response.status_code == 403 and response.json()["detail"]


def test_reading_needs_view_attendance_and_submitting_needs_submit_registers(api_world):
    dsl = api_world.client(K.PROVIDER, Role.PROVIDER_DSL)  # follows attendance, does not take registers
    assert dsl.get(REGISTERS).status_code == 200
    assert dsl.post(submit_url(api_world.register_a), {}, content_type="application/json").status_code == 403
    admin = api_world.client(K.PROVIDER, Role.ORG_ADMIN)
    assert admin.get(REGISTERS).status_code == 403


@pytest.mark.parametrize("payload, field", [
    ({"marks": []}, "idempotency_key"),
    ({"idempotency_key": "not-a-uuid", "marks": []}, "idempotency_key"),
    ({"idempotency_key": "KEY", "marks": []}, "marks"),
    ({"idempotency_key": "KEY", "marks": [{"session": "SESSION", "mark": "sleeping"}]}, "marks"),
    ({"idempotency_key": "KEY", "marks": [{"session": "SESSION", "mark": "late"}]}, "marks"),
    ({"idempotency_key": "KEY", "marks": [{"session": "SESSION", "mark": "absent"}]}, "marks"),
    ({"idempotency_key": "KEY", "marks": [{"session": "SESSION", "mark": "present"},
                                          {"session": "SESSION", "mark": "absent", "absence_reason": "ill"}]},
     "marks"),
])
def test_a_malformed_payload_is_400_with_field_errors_and_changes_nothing(api_world, payload, field):
    session = _session_ids(api_world.register_a)[0]
    text = str(payload).replace("'KEY'", f"'{uuid.uuid4()}'").replace("'SESSION'", str(session))
    body = eval(text)  # noqa: S307 - the literal above with the real key and session id

    response = api_world.client().post(submit_url(api_world.register_a), body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    with scopes_disabled():
        assert not ExpectedSession.objects.exclude(mark="").exists()
        assert not RegisterSubmission.objects.exists()


def test_not_json_is_400(api_world):
    response = api_world.client().post(submit_url(api_world.register_a), "marks=1",
                                       content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    response = api_world.client().post(submit_url(api_world.register_a), "{", content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]


def test_unknown_api_paths_are_json_404(api_world):
    response = api_world.client().get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_the_list_costs_the_same_queries_for_more_registers(api_world):
    client = api_world.client()
    client.get(REGISTERS)  # the first use records last_used_at (once a minute): measure the next ones
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(REGISTERS).json()[0]["sessions"]) == 2
    # Two more registers at provider a the same day (other start times), more pupils.
    import datetime as dt

    from apcommission import clock
    from attendance.factories import register_with_sessions
    from placements.factories import PupilFactory, placement_in_state

    world = api_world.world
    provider = world.org(K.PROVIDER, "a")
    day = api_world.register_a.date
    for hour in (13, 14):
        placements = [placement_in_state(pupil=PupilFactory(school=world.org(K.SCHOOL, "a")), provider=provider,
                                         state="active", now=clock.now()) for _ in range(2)]
        register_with_sessions(placements=placements, starts_at=clock.london(day, dt.time(hour, 0)), part="pm")
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(REGISTERS).json()) == 3
    assert len(large) == len(small)


def test_build_registers_is_reusable(shared_provider_world, frozen_clock):
    # The schemathesis test builds the same registers; keep the helper honest.
    register_a, register_b = build_registers(shared_provider_world)
    assert register_a.provider != register_b.provider


def _all_present(register, key=None):
    return {"idempotency_key": str(key or uuid.uuid4()),
            "marks": [{"session": pk, "mark": "present"} for pk in _session_ids(register)]}


def test_submitting_a_register_writes_every_mark_once(api_world):
    client = api_world.client()
    key = uuid.uuid4()
    sessions = _session_ids(api_world.register_a)
    body = {"idempotency_key": str(key), "marks": [
        {"session": sessions[0], "mark": "late", "minutes_late": 10},
        {"session": sessions[1], "mark": "absent", "absence_reason": "ill", "note": "Mum phoned"},
    ]}

    response = client.post(submit_url(api_world.register_a), body, content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json() == {"register": api_world.register_a.pk, "marks_written": 2, "repeated": False}
    with scopes_disabled():
        marks = dict(ExpectedSession.objects.filter(register=api_world.register_a).values_list("pk", "mark"))
        assert marks == {sessions[0]: "late", sessions[1]: "absent"}
        assert RegisterSubmission.objects.filter(key=key).count() == 1
    listed = client.get(REGISTERS).json()[0]
    assert listed["submitted_at"] and [s["mark"] for s in listed["sessions"]] == ["late", "absent"]
    # A retry after a dropped connection (same key) changes nothing.
    again = client.post(submit_url(api_world.register_a), body, content_type="application/json")
    assert again.status_code == 200 and again.json()["repeated"] is True
    # A second submission under a new key is refused: changes need a reason (the web page).
    other = client.post(submit_url(api_world.register_a), _all_present(api_world.register_a),
                        content_type="application/json")
    assert other.status_code == 400 and other.json()["non_field_errors"]
    with scopes_disabled():
        assert RegisterSubmission.objects.count() == 1


def test_a_register_with_a_pupil_left_out_is_refused_whole(api_world):
    body = _all_present(api_world.register_a)
    body["marks"] = body["marks"][:1]
    response = api_world.client().post(submit_url(api_world.register_a), body, content_type="application/json")
    assert response.status_code == 400
    assert f"mark_{_session_ids(api_world.register_a)[1]}" in response.json()
    with scopes_disabled():
        assert not ExpectedSession.objects.exclude(mark="").exists()
        assert not RegisterSubmission.objects.exists()


def test_a_session_of_another_register_is_refused(api_world):
    body = _all_present(api_world.register_a)
    body["marks"].append({"session": _session_ids(api_world.register_b)[0], "mark": "present"})
    response = api_world.client().post(submit_url(api_world.register_a), body, content_type="application/json")
    assert response.status_code == 400
    with scopes_disabled():
        assert not ExpectedSession.objects.exclude(mark="").exists()


def not_accounted_url(session_id) -> str:
    return f"/api/v1/sessions/{session_id}/not-accounted-for/"


def test_a_pupil_not_accounted_for_tells_the_school_and_provider_dsls(api_world):
    from attendance.models import NotAccountedFor
    from notifications.models import Notification

    session = _session_ids(api_world.register_a)[0]
    client = api_world.client()

    response = client.post(not_accounted_url(session), {"note": "Not back from lunch"}, content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["session"] == session
    world = api_world.world
    with scopes_disabled():
        report = NotAccountedFor.objects.get()
        assert report.note == "Not back from lunch" and report.reported_by == world.user(K.PROVIDER, Role.PROVIDER_STAFF)
        told = set(Notification.objects.values_list("user", flat=True))
    assert world.user(K.SCHOOL, Role.DSL).pk in told
    assert world.user(K.PROVIDER, Role.PROVIDER_DSL).pk in told
    # A double tap changes nothing.
    again = client.post(not_accounted_url(session), {}, content_type="application/json")
    assert again.status_code == 200 and again.json()["report"] == response.json()["report"]
    with scopes_disabled():
        assert NotAccountedFor.objects.count() == 1


def test_not_accounted_for_refusals(api_world):
    from attendance.models import NotAccountedFor

    own = _session_ids(api_world.register_a)[0]
    other = _session_ids(api_world.register_b)[0]
    assert api_world.client().post(not_accounted_url(other), {}, content_type="application/json").status_code == 404
    assert api_world.client(K.SCHOOL, Role.DSL).post(not_accounted_url(own), {},
                                                      content_type="application/json").status_code == 403
    assert api_world.client(K.PROVIDER, Role.PROVIDER_DSL).post(not_accounted_url(own), {},
                                                                 content_type="application/json").status_code == 403
    response = api_world.client().post(not_accounted_url(own), {"note": "x" * 301}, content_type="application/json")
    assert response.status_code == 400 and "note" in response.json()
    with scopes_disabled():
        assert not NotAccountedFor.objects.exists()
