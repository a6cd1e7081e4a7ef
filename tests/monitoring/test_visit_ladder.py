"""The overdue-visit ladder with a fixed clock across a half-term boundary, on a school calendar
that overrides its LA's (issue 12 item 3 acceptance): the visit owner is reminded once 10 school
days before the window ends, told with the AP lead once on its last day, and the headteacher once on
the 5th school day of the next window; re-runs and two sweeps at once never repeat anyone; a
submitted visit stops it; a placement starting late in a window is judged fairly."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core import mail

from apcommission import clock
from escalation.models import Escalation
from monitoring import services
from monitoring.models import VisitWindow
from notifications.models import Notification
from notifications.services import notifications_deliver
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import (
    HEAD,
    OPENING,
    OVERDUE,
    REMINDER,
    WINDOW,
    D,
    calendars,
    climb,
    held_placements,
    leave_ap,
    people_told,
    place,
    postgresql_only,
    sweep,
    twice_at_once,
)

LADDER = "visit_overdue"


def told() -> Counter:
    return people_told(LADDER)


def open_windows(at=OPENING):
    return services.visit_windows_open(now=at)


def submit_visit(world, placement, on, side="a"):
    school = world.org(K.SCHOOL, side)
    by = world.user(K.SCHOOL, Role.PASTORAL, side)
    with scope(organisation=school):
        return services.visit_save(
            placement=placement, by=by, organisation=school, now=clock.london(on, dt.time(15, 0)), submit=True,
            values={"visited_on": on, "visited_time": dt.time(10, 30), "visitor": by, "safeguarding_concerns": False,
                    "parent_contacted": True, "behaviour_welfare": "Settled."})


def test_the_window_follows_the_school_override_and_each_level_goes_once(placed):
    assert open_windows() == 1
    open_windows()  # the daily job again: nothing new
    with scopes_disabled():
        window = VisitWindow.objects.get()
        assert (window.start, window.end, window.required) == (*WINDOW, 1)
        assert Escalation.objects.filter(ladder="visit_overdue").count() == 1

    assert climb(REMINDER, LADDER) == (Counter(), Counter({"pastoral.school.a": 1}))
    assert climb(OVERDUE, LADDER, again=dt.timedelta(hours=1)) == (
        Counter({"pastoral.school.a": 1}), Counter({"pastoral.school.a": 2, "ap_lead.school.a": 1}))

    # Across the holiday into the spring term: the new window opens, the old one climbs once more.
    open_windows(clock.london(D(2027, 1, 5), dt.time(5, 30)))
    before, after = climb(HEAD, LADDER, again=dt.timedelta(days=1))
    assert before["headteacher.school.a"] == 0
    assert after == Counter({"pastoral.school.a": 2, "ap_lead.school.a": 1, "headteacher.school.a": 1})
    with scopes_disabled():
        assert VisitWindow.objects.count() == 2
        assert VisitWindow.objects.filter(start=D(2027, 1, 5), end=D(2027, 2, 14)).exists()


def test_the_emails_name_the_provider_not_the_pupil(placed):
    open_windows()
    sweep(OVERDUE)
    notifications_deliver(now=OVERDUE)
    assert mail.outbox
    for email in mail.outbox:
        assert "PupilA" not in email.subject + email.body
        assert "1 placement at Provider A" in email.body


def test_a_submitted_visit_in_the_window_stops_the_ladder(placed):
    open_windows()
    sweep(REMINDER)
    submit_visit(placed, placed.placements["a"], D(2026, 12, 3))
    sweep(OVERDUE)
    sweep(HEAD)
    assert told() == Counter({"pastoral.school.a": 1})
    with scopes_disabled():
        assert VisitWindow.objects.get().met_at is not None
        assert Escalation.objects.get(ladder="visit_overdue").resolved_at is not None


def test_a_visit_after_the_window_ended_stops_the_headteacher_step(placed):
    open_windows()
    sweep(OVERDUE)
    submit_visit(placed, placed.placements["a"], D(2027, 1, 6))
    sweep(HEAD)
    assert told()["headteacher.school.a"] == 0


def test_a_visit_before_the_window_opened_meets_it(placed):
    submit_visit(placed, placed.placements["a"], D(2026, 11, 3))
    assert open_windows() == 0
    sweep(HEAD)
    assert told() == Counter()


def test_a_late_start_in_the_window_needs_no_visit_there(world):
    """Active for fewer than 10 of the window's school days: no visit needed in it (9 days from
    Friday 4 December to Wednesday 16 December); 10 days (from Thursday 3 December) need one."""
    calendars(world)
    late = place(world, start=D(2026, 12, 4))
    ten_days = place(world, "b", start=D(2026, 12, 3))
    calendars(world, "b")
    open_windows(clock.london(D(2026, 12, 4), dt.time(5, 30)))
    with scopes_disabled():
        assert VisitWindow.objects.get(placement=late).required == 0
        assert VisitWindow.objects.get(placement=ten_days).required == 1
        assert list(Escalation.objects.filter(ladder="visit_overdue").values_list("target_id", flat=True)) == [
            VisitWindow.objects.get(placement=ten_days).pk]


def test_no_owner_named_means_the_ap_lead_is_reminded(world):
    calendars(world)
    world.placements["a"] = place(world)
    with scopes_disabled():
        lead = world.placements["a"].current_agreement.school_lead_id
    open_windows()
    sweep(REMINDER)
    expected = {"ap_lead.school.a"} if lead is None else {
        e.split("@")[0] for e in [world.placements["a"].current_agreement.school_lead.email]}
    assert set(told()) == expected


def test_a_placement_that_left_ap_tells_nobody(placed):
    open_windows()
    leave_ap(placed.placements["a"], D(2026, 11, 30))
    sweep(OVERDUE)
    assert told() == Counter()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_and_two_jobs_at_once_tell_each_person_once(world, monkeypatch):
    monkeypatch.setattr("notifications.services._enqueue_delivery", lambda: None)
    held_placements(world, 4)
    errors = twice_at_once(lambda: open_windows()) + twice_at_once(lambda: sweep(OVERDUE))
    assert not errors
    with scopes_disabled():
        assert VisitWindow.objects.count() == 4
        assert Escalation.objects.filter(ladder="visit_overdue").count() == 4
        per_key = Counter(Notification.objects.filter(topic=LADDER).values_list("user_id", "dedupe_key"))
    assert per_key and set(per_key.values()) == {1}
    # Four placements at level 2: the AP lead once per placement, never twice for one.
    assert told()["ap_lead.school.a"] == 4
