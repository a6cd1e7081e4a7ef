"""Delivery: immediate emails, the 07:00 daily summary, retries with backoff, giving up, lost claims."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail

from apcommission import clock
from notifications import services
from notifications.models import EmailFrequency, EmailPreference, EmailStatus, Notification
from notifications.services import notifications_deliver, notify
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = dt.datetime(2026, 11, 25, 9, 31, tzinfo=dt.UTC)  # Wednesday 25 November, GMT
SEVEN_TOMORROW = clock.london(dt.date(2026, 11, 26), dt.time(7, 0))


@pytest.fixture
def failing_mail(monkeypatch):
    """send_mail fails while `state["fail"]` is true; `state["calls"]` counts attempts."""
    state = {"fail": True, "calls": 0}
    real = services.send_mail

    def send(*args, **kwargs):
        state["calls"] += 1
        if state["fail"]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "send_mail", send)
    return state


def _tell(world, key, *, role=Role.DSL, at=NOW, **extra):
    school = world.org(K.SCHOOL)
    return notify(organisation=school, roles=[role], topic="test", subject=f"Subject {key}",
                  body=f"Body {key}: what happened, where, what to do.", dedupe_key=key, now=at,
                  link=f"/o/{school.slug}/notifications/", **extra)


def _rows():
    with scopes_disabled():
        return list(Notification.objects.order_by("pk"))


def test_an_email_has_absolute_links_to_the_page_and_to_the_settings(world, settings):
    settings.APC_BASE_URL = "https://ap.example.gov.uk/"
    _tell(world, "one")
    assert notifications_deliver(now=NOW) == 1
    [email] = mail.outbox
    assert email.subject.endswith("Subject one")
    assert email.to == [world.user(K.SCHOOL, Role.DSL).email]
    assert "Body one: what happened, where, what to do." in email.body
    assert "Sign in to see the details: https://ap.example.gov.uk/o/school-a/notifications/" in email.body
    assert "https://ap.example.gov.uk/o/school-a/notifications/settings/" in email.body


def test_failed_sends_wait_1_5_30_minutes_then_it_is_failed_after_the_fifth(world, failing_mail):
    _tell(world, "one")
    when, waits = NOW, []
    for _ in range(4):
        assert notifications_deliver(now=when) == 0
        [note] = _rows()
        assert note.email_status == EmailStatus.PENDING
        waits.append(note.email_next_attempt_at - when)
        assert notifications_deliver(now=note.email_next_attempt_at - dt.timedelta(seconds=1)) == 0  # not yet
        when = note.email_next_attempt_at
    assert waits == [dt.timedelta(minutes=m) for m in (1, 5, 30, 120)]
    assert notifications_deliver(now=when) == 0
    [note] = _rows()
    assert (note.email_status, note.email_attempts, note.email_next_attempt_at) == (EmailStatus.FAILED, 5, None)
    assert "SMTPServerDisconnected" in note.email_last_error
    assert failing_mail["calls"] == 5
    notifications_deliver(now=when + dt.timedelta(days=1))
    assert failing_mail["calls"] == 5 and mail.outbox == []


def test_the_daily_summary_is_one_email_at_7am_and_urgent_ones_go_at_once(world):
    with scopes_disabled():
        EmailPreference.objects.create(membership=world.member(K.SCHOOL, Role.DSL), frequency=EmailFrequency.DAILY,
                                       updated_at=NOW)
    _tell(world, "one")
    _tell(world, "two", at=NOW + dt.timedelta(hours=3))
    _tell(world, "urgent", urgent=True)
    assert notifications_deliver(now=NOW + dt.timedelta(hours=4)) == 1
    assert [m.subject.split("] ")[-1] for m in mail.outbox] == ["Subject urgent"]
    assert notifications_deliver(now=SEVEN_TOMORROW - dt.timedelta(minutes=1)) == 0
    assert notifications_deliver(now=SEVEN_TOMORROW) == 2
    assert notifications_deliver(now=SEVEN_TOMORROW + dt.timedelta(minutes=1)) == 0
    digest = mail.outbox[1]
    assert digest.subject.endswith("Daily summary: 2 notifications from School A")
    assert digest.body.index("Subject one") < digest.body.index("Subject two")
    assert "Body two: what happened" in digest.body and "Subject urgent" not in digest.body
    assert "http://testserver" not in digest.body and "/o/school-a/notifications/" in digest.body
    assert {n.email_status for n in _rows()} == {EmailStatus.SENT}


def test_a_summary_that_fails_is_retried_as_one_email(world, failing_mail):
    with scopes_disabled():
        EmailPreference.objects.create(membership=world.member(K.SCHOOL, Role.DSL), frequency=EmailFrequency.DAILY,
                                       updated_at=NOW)
    _tell(world, "one")
    _tell(world, "two")
    assert notifications_deliver(now=SEVEN_TOMORROW) == 0
    assert {(n.email_status, n.email_attempts) for n in _rows()} == {(EmailStatus.PENDING, 1)}
    failing_mail["fail"] = False
    assert notifications_deliver(now=SEVEN_TOMORROW + dt.timedelta(minutes=1)) == 2
    assert len(mail.outbox) == 1 and "2 notifications" in mail.outbox[0].subject


def test_a_row_claimed_by_a_worker_that_died_is_sent_after_the_lease(world, settings):
    """"Today a claimed row whose email failed is lost": a claim older than the lease is reclaimed."""
    settings.CELERY_TASK_TIME_LIMIT = 300  # lease: 10 minutes
    _tell(world, "one")
    with scopes_disabled():
        Notification.objects.update(email_status=EmailStatus.SENDING, email_claimed_at=NOW, email_attempts=1)
    assert notifications_deliver(now=NOW + dt.timedelta(minutes=10)) == 0  # may still be sending
    [note] = _rows()
    assert note.email_status == EmailStatus.SENDING
    assert notifications_deliver(now=NOW + dt.timedelta(minutes=10, seconds=1)) == 0
    [note] = _rows()
    assert note.email_status == EmailStatus.PENDING and "worker lost" in note.email_last_error
    assert note.email_next_attempt_at == NOW + dt.timedelta(minutes=11, seconds=1)  # the first wait: 1 minute
    assert notifications_deliver(now=note.email_next_attempt_at) == 1 and len(mail.outbox) == 1


def test_two_deliveries_at_once_send_each_email_once(world, monkeypatch):
    """The claim is a conditional UPDATE: a delivery that read the same due rows as another one,
    which then sent them first, sends nothing."""
    _tell(world, "one")
    _tell(world, "two")
    real = services._send_one_email
    other_worker = []

    def late(pks, *, now):
        if not other_worker:  # between our read and our claim, another worker delivers everything
            other_worker.append("running")
            monkeypatch.setattr(services, "_send_one_email", real)
            other_worker.append(services.notifications_deliver(now=now))
        return real(pks, now=now)

    monkeypatch.setattr(services, "_send_one_email", late)
    assert notifications_deliver(now=NOW) == 0
    assert other_worker == ["running", 2] and len(mail.outbox) == 2


def test_choosing_straight_away_releases_what_was_held(world, login):
    member = world.member(K.SCHOOL, Role.DSL)
    with scopes_disabled():
        EmailPreference.objects.create(membership=member, frequency=EmailFrequency.DAILY, updated_at=NOW)
    _tell(world, "one")
    client = login(member.user)
    later = NOW + dt.timedelta(hours=1)
    with clock.frozen(later):
        response = client.post("/o/school-a/notifications/settings/", {"frequency": "immediate"})
    assert response.status_code == 302
    [note] = _rows()
    assert not note.email_digest and note.email_next_attempt_at == later
    assert notifications_deliver(now=later) == 1
