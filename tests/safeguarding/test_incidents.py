"""Incidents and emergency reviews (issue 12 item 6): the SLA's third behaviour incident opens exactly
one review and moves the placement to emergency review; later incidents join it; the school's AP
lead is told of each incident without the pupil's name; two incidents at once open one review."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from apcommission import clock
from notifications.models import Notification
from placements.models import Placement
from safeguarding import services
from safeguarding.models import EmergencyReview, Incident
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW, record


def _reviews(world):
    with scopes_disabled():
        return list(EmergencyReview.objects.filter(placement=world.placements["a"]))


def _state(world):
    with scopes_disabled():
        return Placement.objects.get(pk=world.placements["a"].pk).state


def test_third_behaviour_incident_opens_one_review_and_the_fourth_joins_it(placed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record(placed, n=0)
        record(placed, n=1)
        record(placed, kind="accident", n=2)  # accidents do not count towards the review
    assert _reviews(placed) == [] and _state(placed) == "active"
    with django_capture_on_commit_callbacks(execute=True):
        third = record(placed, n=3)
    [review] = _reviews(placed)
    assert review.is_open and review.incident_count == 3 and review.due_on == dt.date(2026, 12, 5)
    assert _state(placed) == "emergency_review"
    with scopes_disabled():
        assert Incident.objects.get(pk=third.pk).review_id == review.pk
        fourth = record(placed, n=4)
        assert Incident.objects.get(pk=fourth.pk).review_id == review.pk
    assert len(_reviews(placed)) == 1
    with scopes_disabled():
        told = set(Notification.objects.filter(topic="emergency_review").values_list("user__email", flat=True))
    assert told == {placed.user(K.SCHOOL, R.AP_LEAD).email, placed.user(K.SCHOOL, R.HEADTEACHER).email,
                    placed.user(K.PROVIDER, R.PROVIDER_MANAGER).email}


def test_after_the_review_closes_the_count_starts_again(placed):
    for n in range(3):
        record(placed, n=n)
    [review] = _reviews(placed)
    school = placed.org(K.SCHOOL, "a")
    with scope(organisation=school):
        services.review_close(review=review, targets="No more chairs", outcome="continue", notes="",
                              by=placed.user(K.SCHOOL, R.AP_LEAD), organisation=school, now=NOW + dt.timedelta(days=1))
    assert _state(placed) == "active"
    later = NOW + dt.timedelta(days=2)
    record(placed, n=0, now=later)
    record(placed, n=1, now=later)
    assert [r.is_open for r in _reviews(placed)] == [False]
    record(placed, n=2, now=later)
    assert sorted(r.is_open for r in _reviews(placed)) == [False, True]


def test_the_slas_number_decides(placed, monkeypatch):
    from slas.cross_tenant import SLATerms

    monkeypatch.setattr("safeguarding.services.sla_terms_for",
                        lambda **kw: SLATerms(incidents_before_emergency_review=2))
    record(placed, n=0)
    assert _reviews(placed) == []
    record(placed, n=1)
    assert len(_reviews(placed)) == 1


def test_ap_lead_told_at_once_without_the_pupils_name(placed, django_capture_on_commit_callbacks, mailoutbox):
    from notifications.services import notifications_deliver

    with django_capture_on_commit_callbacks(execute=True):
        record(placed, kind="accident")
    with scopes_disabled():
        [note] = Notification.objects.filter(topic="incident")
    assert note.user == placed.user(K.SCHOOL, R.AP_LEAD) and note.urgent
    notifications_deliver(now=NOW)
    pupil = placed.pupils["a"]
    [mail] = [m for m in mailoutbox if placed.user(K.SCHOOL, R.AP_LEAD).email in m.to]
    text = mail.subject + mail.body
    assert "Provider A" in text and pupil.first_name not in text and pupil.last_name not in text
    assert "Threw a chair" not in text


def test_only_the_provider_records_and_only_on_a_live_placement(placed):
    from apcommission.errors import Refusal

    school = placed.org(K.SCHOOL, "a")
    with scope(organisation=school), pytest.raises(Refusal):
        services.incident_record(placement=placed.placements["a"], kind="behaviour", data={}, by=None,
                                 organisation=school, now=NOW)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_incidents_at_once_open_exactly_one_review(placed, monkeypatch):
    monkeypatch.setattr("notifications.services._enqueue_delivery", lambda: None)
    record(placed, n=0)
    barrier, errors = threading.Barrier(2, timeout=60), []

    def run(n):
        try:
            barrier.wait()
            with clock.frozen(NOW):
                record(placed, n=n)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    [review] = _reviews(placed)
    with scopes_disabled():
        assert Incident.objects.filter(placement=placed.placements["a"], review=review).count() == 3
    assert _state(placed) == "emergency_review"
