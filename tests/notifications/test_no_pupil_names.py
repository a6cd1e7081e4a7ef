"""Emails leave the service: no notification email carries a pupil's name (issue 11 item 7).

A pupil with a name found nowhere else goes through every flow that notifies — the placement
lifecycle from referral to ending (and a referral the headteacher sends back, one the provider
declines), a register taken with the pupil absent — and then every periodic job in
CELERY_BEAT_SCHEDULE runs at times that make them act (reminders, escalation ladders, expiry
sweeps, digests). New callers of notify() reached by these flows or jobs are covered without
touching this file. Every email sent is read: neither the subject nor the body names the pupil.
"""

from __future__ import annotations

import datetime as dt
import importlib
import uuid

import pytest
from django.conf import settings
from django.core import mail

from apcommission import clock
from notifications import services as notification_services
from notifications.models import EmailFrequency, EmailPreference, Notification
from notifications.services import notifications_deliver
from placements import services as placement_services
from placements.factories import PupilFactory, placement_in_state
from placements.models import State
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


FIRST, LAST = "Zephyrine", "Quillfeather"
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)  # Wednesday, GMT


def _pupil(world, n: int):
    return PupilFactory(school=world.org(K.SCHOOL), first_name=f"{FIRST}{n}", last_name=LAST)


def _run_beat_jobs(at: dt.datetime) -> None:
    """Every periodic job, as beat would run it at `at`."""
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        module, _, name = entry["task"].rpartition(".")
        task = getattr(importlib.import_module(module), name)
        with clock.frozen(at):
            task()


def _register_with_an_absence(world, placement, at: dt.datetime):
    """Today's register at the provider with the pupil absent (and one left untaken for the ladder)."""
    from attendance import alerts
    from attendance import services as attendance_services
    from attendance.factories import register_with_sessions
    from attendance.models import AbsenceReason, ExpectedSession, Mark

    provider = world.org(K.PROVIDER)
    taken = register_with_sessions(placements=[placement], starts_at=at)
    untaken = register_with_sessions(placements=[placement], starts_at=at + dt.timedelta(hours=4), part="pm")
    alerts.registers_created([taken, untaken], now=at - dt.timedelta(days=1))
    with scopes_disabled():
        session = ExpectedSession.objects.get(register=taken)
    with clock.frozen(at), scope(organisation=provider):
        attendance_services.register_submit(
            register=taken, key=uuid.uuid4(), by=world.user(K.PROVIDER, Role.PROVIDER_STAFF), organisation=provider,
            marks=[attendance_services.MarkInput(session_id=session.pk, mark=Mark.ABSENT,
                                                 absence_reason=AbsenceReason.NOT_KNOWN)], now=at)
    return untaken


@pytest.mark.django_db
def test_no_email_names_the_pupil(world, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(notification_services, "_enqueue_delivery", lambda: None)  # delivery runs below
    provider, school = world.org(K.PROVIDER), world.org(K.SCHOOL)
    with scopes_disabled():  # one person reads them in the daily summary, so digests are read too
        EmailPreference.objects.create(membership=world.member(K.SCHOOL, Role.AP_LEAD),
                                       frequency=EmailFrequency.DAILY, updated_at=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        ended = placement_in_state(pupil=_pupil(world, 1), provider=provider, state=State.ENDED, now=NOW)
        placement_in_state(pupil=_pupil(world, 2), provider=provider, state=State.DECLINED, now=NOW)
        placement_in_state(pupil=_pupil(world, 3), provider=provider, state=State.EMERGENCY_REVIEW, now=NOW)
        suspended = placement_in_state(pupil=_pupil(world, 4), provider=provider, state=State.SUSPENDED, now=NOW)
        active = placement_in_state(pupil=_pupil(world, 5), provider=provider, state=State.ACTIVE, now=NOW)
        accepted = placement_in_state(pupil=_pupil(world, 6), provider=provider, state=State.ACCEPTED, now=NOW)
        draft = placement_in_state(pupil=_pupil(world, 7), provider=provider, state=State.DRAFT, now=NOW,
                                   submitted=True)
        with clock.frozen(NOW), scope(organisation=school):
            placement_services.referral_decide(placement=draft, approve=False, consulted={}, notes="Not yet.",
                                               by=world.user(K.SCHOOL, Role.HEADTEACHER), organisation=school,
                                               now=NOW)
        from placements import lifecycle

        with clock.frozen(NOW), scope(organisation=school):
            lifecycle.transition(placement=suspended, name=lifecycle.Transition.RESUME, organisation=school,
                                 by=world.user(K.SCHOOL, Role.AP_LEAD), now=NOW)
    with django_capture_on_commit_callbacks(execute=True):  # callbacks run as each block ends
        _register_with_an_absence(world, active, clock.london(dt.date(2026, 11, 26), dt.time(9, 0)))
    with django_capture_on_commit_callbacks(execute=True):
        for later in (dt.timedelta(hours=5), dt.timedelta(hours=9), dt.timedelta(days=1, hours=1),
                      dt.timedelta(days=6), dt.timedelta(days=9), dt.timedelta(days=40), dt.timedelta(days=400)):
            _run_beat_jobs(NOW + later)
    notifications_deliver(now=NOW + dt.timedelta(days=401))
    assert ended and accepted

    with scopes_disabled():
        topics = set(Notification.objects.values_list("topic", flat=True))
        assert not Notification.objects.filter(email_status="pending").exists()
    # The flows did notify (so the check below read something): the lifecycle's every step at least.
    assert {"placement_refer", "placement_accept", "placement_decline", "placement_start", "placement_end",
            "placement_emergency_review", "placement_suspend", "placement_resume", "referral_decision",
            "agreement"} <= topics, topics
    assert len(mail.outbox) >= 15
    assert any("Daily summary" in email.subject for email in mail.outbox)
    for email in mail.outbox:
        text = f"{email.subject}\n{email.body}"
        assert FIRST not in text and LAST not in text, text
        # ...and each says where to read more: an absolute link into the service.
        assert f"{settings.APC_BASE_URL.rstrip('/')}/o/" in email.body, email.body
