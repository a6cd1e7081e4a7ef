"""The emergency-review-overdue ladder with a fixed clock: an open emergency review reaches the AP lead
once at 07:00 on its due date and the headteacher once on the 3rd school day after it (counted in the
school's own calendar, across the Christmas holiday); re-runs never repeat anyone; closing the review
or ceasing the placement stops it; emails name the provider, never the pupil."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, connections

from apcommission import clock
from attendance.models import Term, TermDates
from escalation.models import Escalation
from escalation.services import escalation_sweep
from notifications.models import Notification
from notifications.services import notifications_deliver
from placements.factories import PupilFactory, placement_in_state
from safeguarding import rules, services
from safeguarding.ladders import EMERGENCY_REVIEW_OVERDUE
from safeguarding.models import EmergencyReview
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW, record

D = dt.date
OPENED = clock.london(D(2026, 12, 4), dt.time(11, 0))  # Friday: due 10 days later, Monday 14 December
DUE = clock.london(D(2026, 12, 14), dt.time(7, 0))
# The school's autumn term ends Wednesday 16 December; spring starts Tuesday 5 January: the 3rd school
# day after the 14th is 5 January (the LA's dates, ending the 18th, would make it the 17th).
HEAD = clock.london(D(2027, 1, 5), dt.time(7, 0))
MIN = dt.timedelta(minutes=1)


def _calendar(world):
    la, school = world.org(K.LOCAL_AUTHORITY), world.org(K.SCHOOL)
    with scopes_disabled():
        TermDates.objects.create(organisation=la, academic_year=2026, term=Term.AUTUMN, start_date=D(2026, 9, 1),
                                 end_date=D(2026, 12, 18))
        TermDates.objects.create(organisation=school, academic_year=2026, term=Term.AUTUMN, start_date=D(2026, 9, 2),
                                 end_date=D(2026, 12, 16))
        TermDates.objects.create(organisation=school, academic_year=2026, term=Term.SPRING, start_date=D(2027, 1, 5),
                                 end_date=D(2027, 3, 26))


def _open_review(world) -> EmergencyReview:
    for n in range(3):
        record(world, n=n, now=OPENED)
    with scopes_disabled():
        return EmergencyReview.objects.get(placement=world.placements["a"], closed_at__isnull=True)


def sweep(at):
    with clock.frozen(at):
        return escalation_sweep(now=clock.now())


def told() -> Counter:
    with scopes_disabled():
        return Counter(e.split("@")[0] for e in Notification.objects.filter(topic="emergency_review_overdue")
                       .values_list("user__email", flat=True))


def _rows():
    with scopes_disabled():
        return list(Escalation.objects.filter(ladder=EMERGENCY_REVIEW_OVERDUE).values_list("level", "resolved_at"))


def test_the_ap_lead_on_the_due_date_then_the_headteacher_each_once(placed):
    _calendar(placed)
    review = _open_review(placed)
    assert review.due_on == D(2026, 12, 14)
    record(placed, n=5, now=OPENED + dt.timedelta(hours=1))  # a fourth incident joins it: no second row
    assert _rows() == [(0, None)]

    sweep(DUE - MIN)
    assert told() == Counter()
    sweep(DUE)
    sweep(DUE + dt.timedelta(hours=2))
    assert told() == Counter({"ap_lead.school.a": 1})

    sweep(HEAD - MIN)
    assert told()["headteacher.school.a"] == 0
    sweep(HEAD)
    sweep(HEAD + dt.timedelta(days=3))
    assert told() == Counter({"ap_lead.school.a": 1, "headteacher.school.a": 1})


def test_a_sweep_after_downtime_tells_only_the_current_level(placed):
    _calendar(placed)
    _open_review(placed)
    sweep(HEAD + dt.timedelta(hours=5))
    sweep(HEAD + dt.timedelta(hours=6))
    assert told() == Counter({"headteacher.school.a": 1})


def test_closing_the_review_stops_the_ladder(placed):
    review = _open_review(placed)
    school = placed.org(K.SCHOOL)
    with scope(organisation=school):
        services.review_close(review=review, targets="Attend every session", outcome="continue", notes="",
                              by=placed.user(K.SCHOOL, R.AP_LEAD), organisation=school,
                              now=OPENED + dt.timedelta(days=2))
    assert [level for level, resolved in _rows() if resolved is not None] == [0]
    for at in (DUE, HEAD, HEAD + dt.timedelta(days=10)):
        sweep(at)
    assert told() == Counter()


def test_the_emails_name_the_provider_never_the_pupil(placed):
    _open_review(placed)
    mail.outbox.clear()
    sweep(DUE)
    notifications_deliver(now=DUE)
    assert [m.subject.split("] ")[-1] for m in mail.outbox] == ["An emergency review is due today"]
    pupil = placed.pupils["a"]
    for email in mail.outbox:
        assert placed.org(K.PROVIDER).name in email.body
        assert pupil.first_name not in email.subject + email.body and pupil.last_name not in email.body


def test_the_headteacher_step_counts_weekdays_when_the_school_has_no_term_dates():
    # Friday 1 May 2026; Monday 4 May is a bank holiday: Tue 5, Wed 6, Thu 7.
    assert rules.nth_school_day_after(D(2026, 5, 1), 3, school_days=[], holidays=frozenset({D(2026, 5, 4)})) \
        == D(2026, 5, 7)
    assert rules.nth_school_day_after(D(2026, 12, 14), 3, school_days=[D(2026, 12, 15), D(2026, 12, 16),
                                                                        D(2027, 1, 5)]) == D(2027, 1, 5)


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
BACKSTOP = 60  # seconds; reached only when the code under test is broken


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_tell_each_person_once(world, monkeypatch):
    monkeypatch.setattr("notifications.services._enqueue_delivery", lambda: None)
    for n in range(3):  # three placements, each with an open emergency review
        with scopes_disabled():
            world.placements["a"] = placement_in_state(
                pupil=PupilFactory(school=world.org(K.SCHOOL), first_name=f"Held{n}"),
                provider=world.org(K.PROVIDER), state="active", now=NOW)
        _open_review(world)
    barrier, errors = threading.Barrier(2, timeout=BACKSTOP), []

    def body():
        try:
            barrier.wait()
            sweep(HEAD)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BACKSTOP)
    assert not errors
    with scopes_disabled():
        per_key = Counter(Notification.objects.filter(topic="emergency_review_overdue")
                          .values_list("user_id", "dedupe_key"))
    assert per_key and set(per_key.values()) == {1}
    assert told() == Counter({"headteacher.school.a": 3})  # one per review, the current level only
