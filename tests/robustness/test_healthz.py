"""Saying honestly how the service is: /healthz (readiness and liveness) and the 500 page.

Time comes from apcommission.clock (frozen here), as the view takes it.
"""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client

from apcommission import clock
from apcommission.celery import app
from tenancy.models import Heartbeat
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

NOW = dt.datetime(2026, 11, 25, 9, 20, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def beat_at(at: dt.datetime, runs: int = 7) -> None:
    Heartbeat.objects.update_or_create(name="heartbeat", defaults={"last_seen_at": at, "runs": runs})


def healthz(client, query: str = ""):
    with clock.frozen(NOW):
        response = client.get("/healthz" + query)
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, response.json()


def test_max_age_defaults_to_three_beat_intervals():
    assert settings.APC_HEARTBEAT_MAX_AGE_SECONDS == 3 * settings.CELERY_BEAT_SCHEDULE["heartbeat"]["schedule"]


def test_fresh_heartbeat_is_ok(client):
    beat_at(NOW - dt.timedelta(seconds=25))
    status, body = healthz(client)
    assert status == 200
    assert body["status"] == "ok" and body["database"] == "ok" and body["broker"] == "ok"
    assert body["heartbeat"] == "ok" and body["heartbeat_age_seconds"] == 25.0
    assert body["heartbeat_at"] == (NOW - dt.timedelta(seconds=25)).isoformat() and body["heartbeat_runs"] == 7
    assert body["now"] == NOW.isoformat()


def test_stale_heartbeat_fails_with_its_age(client, settings):
    settings.APC_HEARTBEAT_MAX_AGE_SECONDS = 90
    beat_at(NOW - dt.timedelta(seconds=90))
    assert healthz(client)[0] == 200  # exactly the limit is still fresh
    beat_at(NOW - dt.timedelta(minutes=10))
    status, body = healthz(client)
    assert status == 503
    assert body["status"] == "fail" and body["heartbeat"] == "fail: too old"
    assert body["heartbeat_age_seconds"] == 600.0 and body["heartbeat_max_age_seconds"] == 90
    assert body["database"] == "ok" and body["broker"] == "ok"


def test_no_heartbeat_yet_fails_readiness_but_the_web_process_is_alive(client):
    status, body = healthz(client)
    assert status == 503
    assert body["status"] == "fail" and body["heartbeat"] == "fail: none yet"
    assert body["heartbeat_age_seconds"] is None
    # Liveness (the container health check): the web process answers, whatever else is down.
    status, body = healthz(client, "?web=1")
    assert status == 200 and body["status"] == "ok" and body["check"] == "web"


def test_database_down_is_503_not_500(client, monkeypatch):
    beat_at(NOW)

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    status, body = healthz(client)
    monkeypatch.undo()
    assert status == 503
    assert body["status"] == "fail" and body["database"] == "fail: OperationalError"
    assert body["heartbeat_age_seconds"] is None  # unknown without the database


def test_broker_down_is_503(client, monkeypatch):
    beat_at(NOW)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setattr(app.conf, "broker_url", f"redis://127.0.0.1:{closed}/0")
    status, body = healthz(client)
    assert status == 503
    assert body["status"] == "fail" and body["broker"].startswith("fail: ")
    assert body["database"] == "ok" and body["heartbeat"] == "ok"


# --- the 500 page ----------------------------------------------------------------------------------

def test_500_page_does_not_claim_nothing_was_saved(world, monkeypatch):
    """A crash rolls back the request's transaction, but work queued or done elsewhere may have
    happened: the page says to check, not that nothing was saved."""
    member = world.member(K.SCHOOL, Role.AP_LEAD)
    client = Client(raise_request_exception=False)
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")

    def crash(membership):
        raise RuntimeError("boom")

    monkeypatch.setattr("apcommission.views.dashboard_context", crash)
    response = client.get(f"/o/{member.organisation.slug}/")
    assert response.status_code == 500
    text = " ".join(response.content.decode().split())
    assert "Sorry, there is a problem with the service" in text
    assert ("Something went wrong. If you were saving something, check whether it was saved before "
            "trying again.") in text
    assert "half-saved" not in text and "submit it again" not in text
