"""Absent and late marks, a pupil not accounted for, acknowledging an alert and the alerts page
(issue 11 item 5): who is told, when, in which words, and who sees which pupils."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from apcommission import clock
from attendance import alerts
from attendance.models import ExpectedSession, Mark, NotAccountedFor
from escalation.models import Escalation
from escalation.services import escalation_sweep
from notifications.models import Notification
from notifications.services import notifications_deliver
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope, scopes_disabled

from . import test_missing_register_ladder as ladder_tests
from .test_missing_register_ladder import DUE, END, START, new_register

placed = ladder_tests.placed  # the fixture: provider a's register holds pupils of schools a and c

MIN = dt.timedelta(minutes=1)


def people(topic, since=0) -> list[str]:
    with scopes_disabled():
        return sorted(e.split("@")[0] for e in Notification.objects.filter(topic=topic, pk__gt=since)
                      .values_list("user__email", flat=True))


def sessions_of(register):
    with scopes_disabled():
        return {s.school.slug: s for s in ExpectedSession.objects.filter(register=register).select_related("school")}


def test_an_absent_mark_tells_the_schools_attendance_officer_after_commit(placed, django_capture_on_commit_callbacks):
    register = new_register(placed)
    by_school = sessions_of(register)
    absent, late = by_school["school-a"], by_school["school-c"]
    absent.mark, absent.absence_reason = Mark.ABSENT, "not_known"
    late.mark, late.minutes_late = Mark.LATE, 12
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alerts.marks_recorded([absent, late], by=placed.user(K.PROVIDER, "provider_staff"), now=DUE)
        assert people("attendance_absence") == []  # nothing until the marks are committed
    for callback in callbacks:
        callback()
    assert people("attendance_absence") == ["attendance_officer.school.a", "attendance_officer.school.c"]
    with scopes_disabled():
        note = Notification.objects.get(topic="attendance_absence", user__email__startswith="attendance_officer.school.a")
    assert "Provider A" in note.subject and "1 pupil absent" in note.subject and "Mon 30 Nov, 09:00 session" in note.subject
    assert placed.pupils["a"].first_name not in note.subject + note.body


def test_present_marks_tell_nobody(placed, django_capture_on_commit_callbacks):
    register = new_register(placed)
    present = list(sessions_of(register).values())
    for s in present:
        s.mark = Mark.PRESENT
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        alerts.marks_recorded(present, by=None, now=DUE)
    assert callbacks == [] and people("attendance_absence") == []


def report(client, placed, register, note="Not back from lunch, Pupil"):
    session = sessions_of(register)["school-a"]
    client.force_login(placed.user(K.PROVIDER, "provider_staff"), backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("attendance:session_not_accounted_for", kwargs={"org": "provider-a", "pk": session.pk})
    with clock.frozen(START + 2 * dt.timedelta(hours=1)):
        assert client.get(url).status_code == 200
        return client.post(url, {"note": note})


def test_not_accounted_for_tells_the_dsls_at_once_and_the_headteacher_after_15_minutes(placed, client):
    register = new_register(placed)
    reported = START + 2 * dt.timedelta(hours=1)
    response = report(client, placed, register)
    assert response.status_code == 302
    assert people("not_accounted_for") == ["attendance_officer.school.a", "dsl.school.a", "provider_dsl.provider.a"]
    assert report(client, placed, register).status_code == 302  # a double tap: nothing new
    with scopes_disabled():
        assert NotAccountedFor.objects.count() == 1
    assert len(people("not_accounted_for")) == 3
    escalation_sweep(now=reported + 14 * MIN)
    assert len(people("not_accounted_for")) == 3
    escalation_sweep(now=reported + 15 * MIN)
    assert "headteacher.school.a" in people("not_accounted_for")
    mail.outbox.clear()
    notifications_deliver(now=reported + 16 * MIN)
    assert any(m.subject.endswith("Pupil not accounted for: Provider A, Mon 30 Nov, 09:00 session")
               for m in mail.outbox)
    for message in mail.outbox:
        text = message.subject + message.body
        assert placed.pupils["a"].first_name not in text and "lunch" not in text  # no name, no note in email


def test_acknowledging_stops_the_ladder_and_shows_the_note_and_who(placed, client):
    register = new_register(placed)
    escalation_sweep(now=DUE)
    with scopes_disabled():
        pk = Escalation.objects.get(ladder="missing_register", target_id=register.pk).pk
    officer = placed.user(K.SCHOOL, "attendance_officer", "c")
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("attendance:alert_acknowledge", kwargs={"org": "school-c", "pk": pk})
    assert client.post(url, {"note": ""}).status_code == 400  # the note is required: error summary
    with clock.frozen(DUE + 5 * MIN):
        assert client.post(url, {"note": "Phoned: present"}).status_code == 302
        page = client.get(reverse("attendance:alerts", kwargs={"org": "school-c"})).content.decode()
    assert "Phoned: present" in page and escape(officer.full_name) in page
    assert client.post(url, {"note": "Again"}).status_code == 404  # no longer open
    assert escalation_sweep(now=END).stepped == 0
    with scopes_disabled():
        assert set(Notification.objects.filter(topic="register_missing").values_list("dedupe_key", flat=True)) == {
            f"escalation:{pk}:1"}


@pytest.mark.parametrize(("kind", "side", "sees", "not_sees"), [
    (K.SCHOOL, "a", {"a"}, {"c", "b"}),
    (K.SCHOOL, "c", {"c"}, {"a", "b"}),
    (K.PROVIDER, "a", {"a", "c"}, {"b"}),
])
def test_the_alerts_page_names_only_the_readers_own_pupils(placed, client, kind, side, sees, not_sees):
    new_register(placed)
    escalation_sweep(now=DUE)
    role = "attendance_officer" if kind == K.SCHOOL else "provider_staff"
    client.force_login(placed.user(kind, role, side), backend="django.contrib.auth.backends.ModelBackend")
    with clock.frozen(DUE + MIN):
        page = client.get(reverse("attendance:alerts", kwargs={"org": placed.org(kind, side).slug})).content.decode()
    assert "Register not received: Provider A" in page
    for s in sees:
        assert str(placed.pupils[s]) in page
    for s in not_sees:
        assert placed.pupils[s].last_name not in page


def test_another_school_sees_no_alert(placed, client):
    new_register(placed)
    escalation_sweep(now=DUE)
    client.force_login(placed.user(K.SCHOOL, "attendance_officer", "b"), backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("attendance:alerts", kwargs={"org": "school-b"})).content.decode()
    assert "There are no open alerts." in page and "Provider A" not in page
    with scope(organisation=placed.org(K.SCHOOL, "b")):
        assert not Escalation.objects.exists()


def test_a_register_not_yet_due_is_no_alert_until_its_first_step(placed, client):
    """Monday's register has its ladder row from the day it was generated; the school is told nothing
    and sees no "Register not received" until the clock reaches its due time."""
    register = new_register(placed)
    client.force_login(placed.user(K.SCHOOL, "attendance_officer", "a"), backend="django.contrib.auth.backends.ModelBackend")
    alerts_url = reverse("attendance:alerts", kwargs={"org": "school-a"})
    with scopes_disabled():
        pk = Escalation.objects.get(ladder="missing_register", target_id=register.pk).pk
    acknowledge = reverse("attendance:alert_acknowledge", kwargs={"org": "school-a", "pk": pk})
    with clock.frozen(DUE - MIN):
        assert "There are no open alerts." in client.get(alerts_url).content.decode()
        assert client.get(acknowledge).status_code == 404
    escalation_sweep(now=DUE)
    with clock.frozen(DUE + MIN):
        assert "Register not received: Provider A" in client.get(alerts_url).content.decode()
        page = client.get(acknowledge).content.decode()
    assert "<title>Acknowledge – Register not received: Provider A," in page
