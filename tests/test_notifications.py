import datetime as dt

import pytest
from django.core import mail

from apcommission import clock
from notifications.models import Notification
from notifications.services import notifications_deliver, notify
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

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
