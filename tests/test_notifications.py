import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from apcommission import clock
from notifications.models import EmailStatus, Notification
from notifications.services import notifications_deliver, notify
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = dt.datetime(2026, 11, 25, 9, 31, tzinfo=dt.UTC)


def _notify(world, key="doc-1:30d"):
    return notify(organisation=world.org(K.PROVIDER), roles=[Role.PROVIDER_MANAGER], topic="expiry",
                  subject="Insurance expires in 30 days", body="Upload the new certificate.",
                  dedupe_key=key, now=NOW, link="/o/provider-a/")


def test_notify_reaches_only_members_with_the_roles(world):
    rows = _notify(world)
    assert [r.user for r in rows] == [world.user(K.PROVIDER, Role.PROVIDER_MANAGER)]


def test_same_key_is_never_sent_twice_to_a_person(world, django_capture_on_commit_callbacks):
    _notify(world)
    assert _notify(world) == []
    with scopes_disabled():
        assert Notification.objects.filter(dedupe_key="doc-1:30d").count() == 1


def test_delivery_emails_each_notification_once(world):
    _notify(world)
    _notify(world, key="doc-2:30d")
    assert notifications_deliver(now=NOW) == 2
    assert notifications_deliver(now=NOW) == 0  # already claimed
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == [world.user(K.PROVIDER, Role.PROVIDER_MANAGER).email]
    assert "/o/provider-a/" in mail.outbox[0].body


def test_inbox_lists_own_notifications_and_opening_marks_read(world, login):
    _notify(world)
    user = world.user(K.PROVIDER, Role.PROVIDER_MANAGER)
    client = login(user)
    page = client.get("/o/provider-a/notifications/")
    assert b"Insurance expires in 30 days" in page.content
    with scope(organisation=world.org(K.PROVIDER)):
        note = Notification.objects.get()
    with clock.frozen(NOW):
        response = client.post(f"/o/provider-a/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/o/provider-a/"
    note.refresh_from_db()
    assert note.read_at == NOW


def test_colleague_cannot_open_someone_elses_notification(world, login):
    _notify(world)
    with scope(organisation=world.org(K.PROVIDER)):
        note = Notification.objects.get()
    client = login(world.user(K.PROVIDER, Role.PROVIDER_STAFF))
    assert client.post(f"/o/provider-a/notifications/{note.pk}/open/").status_code == 404
    assert b"Insurance expires" not in client.get("/o/provider-a/notifications/").content


@pytest.mark.django_db
def test_notify_with_no_matching_members_creates_nothing(world):
    rows = notify(organisation=world.org(K.PROVIDER), roles=["nobody"], topic="x", subject="s", body="b",
                  dedupe_key="k", now=NOW)
    assert rows == []


# --- delivery that cannot be lost (issue 9) ----------------------------------------------------

def _flaky_send_mail(monkeypatch, failures: int):
    """notifications' send_mail raises on its first `failures` calls, then sends for real."""
    import smtplib

    from notifications import services

    calls = []
    real = services.send_mail

    def flaky(*args, **kwargs):
        calls.append(args[3])
        if len(calls) <= failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "send_mail", flaky)
    return calls


def _row():
    with scopes_disabled():
        return Notification.objects.get()


def test_a_send_that_fails_is_delivered_on_a_later_run_exactly_once(world, monkeypatch):
    calls = _flaky_send_mail(monkeypatch, failures=1)
    _notify(world)

    assert notifications_deliver(now=NOW) == 0
    note = _row()
    assert (note.email_status, note.email_attempts) == (EmailStatus.PENDING, 1)
    assert note.email_next_attempt_at == NOW + dt.timedelta(minutes=1)  # the first wait (then 5, 30...)
    assert "SMTPServerDisconnected" in note.email_last_error and note.emailed_at is None
    assert mail.outbox == []

    assert notifications_deliver(now=NOW + dt.timedelta(seconds=30)) == 0  # not due yet
    later = NOW + dt.timedelta(seconds=60)
    assert notifications_deliver(now=later) == 1
    assert notifications_deliver(now=later + dt.timedelta(hours=1)) == 0
    assert len(calls) == 2 and len(mail.outbox) == 1
    note = _row()
    assert (note.email_status, note.email_attempts, note.emailed_at) == (EmailStatus.SENT, 2, later)
    assert note.email_last_error == "" and note.email_next_attempt_at is None


def test_after_the_last_attempt_it_is_failed_and_listed_for_an_admin(world, monkeypatch, settings, client):
    settings.APC_NOTIFICATION_MAX_ATTEMPTS = 3
    calls = _flaky_send_mail(monkeypatch, failures=100)
    _notify(world)
    when = NOW
    for _ in range(5):
        notifications_deliver(now=when)
        when += dt.timedelta(hours=1)
    note = _row()
    assert len(calls) == 3
    assert (note.email_status, note.email_attempts, note.email_next_attempt_at) == (EmailStatus.FAILED, 3, None)
    assert mail.outbox == []

    from accounts.models import User

    admin_user = User.objects.create_superuser(email="ops@example.org", password="ops-password-2026-x")
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    changelist = reverse("admin:notifications_notification_changelist")
    page = client.get(changelist, {"email_status__exact": "failed"})
    assert page.status_code == 200
    assert note.subject.encode() in page.content and b"Failed (gave up)" in page.content
    assert b"Insurance expires" not in client.get(changelist, {"email_status__exact": "sent"}).content

    # "Send again" gives it a fresh set of attempts; the next run delivers it.
    monkeypatch.setattr("notifications.services.send_mail", mail.send_mail)
    with clock.frozen(when):
        response = client.post(changelist, {"action": "send_again", "_selected_action": [note.pk]})
    assert response.status_code == 302
    assert (_row().email_status, _row().email_attempts) == (EmailStatus.PENDING, 0)
    assert notifications_deliver(now=when) == 1 and len(mail.outbox) == 1


def test_a_claim_left_by_a_lost_worker_is_sent_again_later(world, settings):
    settings.CELERY_TASK_TIME_LIMIT = 300
    _notify(world)
    with scopes_disabled():  # a worker claimed it and was killed before sending
        Notification.objects.update(email_status=EmailStatus.SENDING, email_claimed_at=NOW, email_attempts=1)
    assert notifications_deliver(now=NOW + dt.timedelta(minutes=9)) == 0  # may still be running
    assert _row().email_status == EmailStatus.SENDING
    retry_at = NOW + dt.timedelta(minutes=11)
    assert notifications_deliver(now=retry_at) == 0  # released: back to pending, due after the wait
    note = _row()
    assert note.email_status == EmailStatus.PENDING and note.email_next_attempt_at > retry_at
    assert "worker lost" in note.email_last_error
    assert notifications_deliver(now=note.email_next_attempt_at) == 1
    assert _row().email_status == EmailStatus.SENT and len(mail.outbox) == 1
