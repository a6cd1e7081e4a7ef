"""Review meetings (issue 12 item 4): targets reviewed with history without touching the signed
agreement, what a submitted meeting needs, and the "review_overdue" ladder with a fixed clock on a
school calendar that overrides its LA's (reminder, overdue, headteacher once each; re-runs and two
concurrent sweeps tell nobody twice; the next meeting stops it)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections

from apcommission import clock
from apcommission.errors import Refusal
from escalation.models import Escalation
from monitoring import reviews
from monitoring.models import ReviewMeeting, TargetReview
from notifications.models import Notification
from notifications.services import notifications_deliver
from placements.factories import PupilFactory
from placements.models import Target
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import D, calendars, place, set_owner
from .test_visit_ladder import sweep

MIN = dt.timedelta(minutes=1)
BACKSTOP = 60  # seconds; reached only when the code under test is broken
HELD = D(2026, 11, 4)
NEXT = D(2026, 12, 9)  # a Wednesday
REMINDER = clock.london(D(2026, 12, 4), dt.time(7, 0))  # 3 school days before: Fri 4, Mon 7, Tue 8
OVERDUE = clock.london(D(2026, 12, 10), dt.time(7, 0))  # the school day after the date
HEAD = clock.london(D(2027, 1, 5), dt.time(7, 0))  # 5 school days later: 11, 14, 15, 16 Dec (term ends), 5 Jan
SUBMITTED_AT = clock.london(HELD, dt.time(16, 0))


@pytest.fixture
def placed(world):
    calendars(world)
    world.placements["a"] = place(world)
    set_owner(world, world.placements["a"])
    with scopes_disabled():
        Target.objects.create(agreement_id=world.placements["a"].current_agreement_id, order=1,
                              target="Complete unit 1 of the Level 1 certificate")
    return world


def save(world, *, values=None, targets=None, submit=True, meeting=None, now=SUBMITTED_AT, placement=None):
    school = world.org(K.SCHOOL)
    answers = {"held_on": HELD, "parents_invited": True, "parents_invited_how": "phone", "parents_attended": False,
               "safeguarding_queries": False, "next_review_on": NEXT, "comments": "Good half term"}
    answers.update(values or {})
    with scope(organisation=school):
        return reviews.review_save(placement=placement or world.placements["a"], meeting=meeting, values=answers,
                                   targets=targets if targets is not None else {0: {"outcome": "kept"},
                                                                                1: {"outcome": "kept"}},
                                   by=world.user(K.SCHOOL, Role.AP_LEAD), organisation=school, now=now, submit=submit)


def wording(world):
    with scope(organisation=world.org(K.SCHOOL)):
        return [t.wording for t in reviews.current_targets(world.placements["a"])]


def test_targets_are_reviewed_with_history_and_the_agreement_is_never_changed(placed):
    assert wording(placed) == ["95% attendance at the provider", "Complete unit 1 of the Level 1 certificate"]
    first = save(placed, targets={0: {"outcome": "revised", "new_wording": "97% attendance", "progress": "94%"},
                                  1: {"outcome": "met", "progress": "Unit 1 passed"}})
    assert wording(placed) == ["97% attendance"]

    second = save(placed, values={"held_on": D(2026, 12, 9), "next_review_on": D(2027, 1, 27)},
                  now=clock.london(D(2026, 12, 9), dt.time(16, 0)),
                  targets={0: {"outcome": "replaced", "new_wording": "Attend the college taster day"}})
    assert wording(placed) == ["Attend the college taster day"]
    third = save(placed, submit=False, values={"held_on": None},
                 now=clock.london(D(2027, 1, 27), dt.time(9, 0)))
    with scopes_disabled():
        row = TargetReview.objects.get(meeting=third)
        assert row.wording == "Attend the college taster day"
        chain = TargetReview.objects.get(pk=row.previous_id)
        assert (chain.meeting_id, chain.outcome, chain.wording) == (second.pk, "replaced", "97% attendance")
        origin = TargetReview.objects.get(pk=chain.previous_id)
        assert (origin.meeting_id, origin.outcome, origin.new_wording) == (first.pk, "revised", "97% attendance")
        assert origin.agreement_target.target == "95% attendance at the provider"
        # The signed agreement version still says what was agreed.
        assert list(Target.objects.filter(agreement_id=placed.placements["a"].current_agreement_id)
                    .values_list("target", flat=True)) == ["95% attendance at the provider",
                                                           "Complete unit 1 of the Level 1 certificate"]
    from monitoring.review_selectors import _histories

    with scope(organisation=placed.org(K.SCHOOL)):
        history = _histories(third, [row])[row.pk]
    assert [(s.held_on, s.old, s.outcome, s.new) for s in history] == [
        (HELD, "95% attendance at the provider", "Revised", "97% attendance"),
        (D(2026, 12, 9), "97% attendance", "Replaced by a new target", "Attend the college taster day")]
    assert history[0].by == placed.user(K.SCHOOL, Role.AP_LEAD)


def test_a_submitted_meeting_needs_every_answer_and_does_not_change(placed):
    draft = save(placed, submit=False, values={"held_on": None, "parents_invited": True, "parents_invited_how": "",
                                               "safeguarding_queries": None, "next_review_on": None},
                 targets={0: {"outcome": "revised"}, 1: {}})
    with pytest.raises(ValidationError) as refused:
        save(placed, meeting=draft, values={"held_on": None, "parents_invited_how": "", "parents_attended": None,
                                            "safeguarding_queries": None, "next_review_on": None},
             targets={0: {"outcome": "revised"}, 1: {}})
    assert set(refused.value.message_dict) == {"held_on", "parents_invited_how", "parents_attended",
                                               "safeguarding_queries", "next_review_on", "target_0_new_wording",
                                               "target_1_outcome"}
    with scopes_disabled():
        assert ReviewMeeting.objects.get().state == "draft"  # nothing half-saved
    with pytest.raises(Refusal):  # one draft per placement
        save(placed, submit=False)
    meeting = save(placed, meeting=draft)
    with pytest.raises(Refusal):
        save(placed, meeting=meeting, values={"comments": "changed"})


def told(topic="review_overdue") -> Counter:
    with scopes_disabled():
        return Counter(e.split("@")[0] for e in Notification.objects.filter(topic=topic)
                       .values_list("user__email", flat=True))


def test_the_next_review_date_climbs_the_ladder_once_per_level(placed):
    save(placed)
    with scopes_disabled():
        row = Escalation.objects.get(ladder="review_overdue", target_id=placed.placements["a"].pk)
        assert row.next_step_at == REMINDER
    sweep(REMINDER - MIN)
    assert told() == Counter()
    sweep(REMINDER)
    sweep(REMINDER + MIN)
    assert told() == Counter({"pastoral.school.a": 1})
    sweep(OVERDUE - MIN)
    sweep(OVERDUE)
    sweep(OVERDUE + dt.timedelta(hours=2))
    assert told() == Counter({"pastoral.school.a": 2, "ap_lead.school.a": 1})
    sweep(HEAD - MIN)
    assert told()["headteacher.school.a"] == 0
    sweep(HEAD)
    sweep(HEAD + dt.timedelta(days=3))
    assert told() == Counter({"pastoral.school.a": 2, "ap_lead.school.a": 1, "headteacher.school.a": 1})
    notifications_deliver(now=HEAD)
    assert mail.outbox
    for email in mail.outbox:
        assert "PupilA" not in email.subject + email.body
        assert "1 placement at Provider A" in email.body


def test_holding_the_next_review_starts_afresh_from_its_date(placed):
    save(placed)
    sweep(REMINDER)
    save(placed, values={"held_on": D(2026, 12, 8), "next_review_on": D(2027, 1, 27)},
         now=clock.london(D(2026, 12, 8), dt.time(16, 0)))
    sweep(OVERDUE)
    sweep(HEAD)
    assert told() == Counter({"pastoral.school.a": 1})
    with scopes_disabled():
        row = Escalation.objects.get(ladder="review_overdue")
        assert (row.level, row.next_step_at) == (0, clock.london(D(2027, 1, 22), dt.time(7, 0)))  # Fri 22, Mon 25, Tue 26
    sweep(clock.london(D(2027, 1, 22), dt.time(7, 0)))
    assert told() == Counter({"pastoral.school.a": 2})  # the new date's reminder: a new run, told once more


def test_the_agreements_first_review_date_goes_on_the_ladder_until_a_meeting_is_held(placed):
    """The factory's agreement sets the first review six weeks after the start (Monday 19 October, in
    school a's own half term): reminded on Wednesday 14 October, overdue on Monday 2 November (the
    next school day), the headteacher on Monday 9 November."""
    with scopes_disabled():
        assert placed.placements["a"].current_agreement.review_date == D(2026, 10, 19)
    other = place(placed, pupil=PupilFactory(school=placed.org(K.SCHOOL), first_name="Reviewed"))
    save(placed, placement=other, targets={0: {"outcome": "kept"}})  # already had a meeting: not the job's
    at = clock.london(D(2026, 10, 1), dt.time(5, 35))
    assert reviews.first_reviews_open(now=at) == 1
    assert reviews.first_reviews_open(now=at) == 1  # offered again, nothing new
    with scopes_disabled():
        row = Escalation.objects.get(ladder="review_overdue", target_id=placed.placements["a"].pk)
        assert row.next_step_at == clock.london(D(2026, 10, 14), dt.time(7, 0))
        assert Escalation.objects.filter(ladder="review_overdue").count() == 2
    for at in (D(2026, 10, 14), D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 10)):
        sweep(clock.london(at, dt.time(7, 0)))
    assert told() == Counter({"pastoral.school.a": 2, "ap_lead.school.a": 1, "headteacher.school.a": 1})
    save(placed, now=clock.london(D(2026, 11, 10), dt.time(16, 0)), values={"held_on": D(2026, 11, 10)})
    assert reviews.first_reviews_open(now=clock.london(D(2026, 11, 11), dt.time(5, 35))) == 0
    with scopes_disabled():
        row = Escalation.objects.get(ladder="review_overdue", target_id=placed.placements["a"].pk)
        assert (row.level, row.next_step_at) == (0, REMINDER)


def test_a_placement_that_left_ap_tells_nobody(placed):
    from placements.models import Placement

    save(placed)
    with scopes_disabled():
        Placement.objects.filter(pk=placed.placements["a"].pk).update(state="ended", ended_on=D(2026, 11, 30),
                                                                      end_reason="completed")
    sweep(OVERDUE)
    assert told() == Counter()


def test_anchors_count_school_days_and_fall_back_to_weekdays():
    days = [D(2026, 12, 1), D(2026, 12, 2), D(2026, 12, 3)]
    after = [D(2026, 12, 7), D(2026, 12, 8), D(2026, 12, 9), D(2026, 12, 10), D(2026, 12, 11), D(2026, 12, 14)]
    anchors = reviews.review_anchors(days, after, D(2026, 12, 4))
    assert anchors == {"reminder": clock.london(D(2026, 12, 1), dt.time(7)),
                       "overdue": clock.london(D(2026, 12, 7), dt.time(7)),
                       "head": clock.london(D(2026, 12, 14), dt.time(7))}


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_tell_each_person_once(world, monkeypatch):
    monkeypatch.setattr("notifications.services._enqueue_delivery", lambda: None)
    calendars(world)
    world.placements["a"] = place(world)
    set_owner(world, world.placements["a"])
    for n in range(3):
        save(world, placement=place(world, pupil=PupilFactory(school=world.org(K.SCHOOL), first_name=f"Held{n}")),
             targets={0: {"outcome": "kept"}})
    save(world, targets={0: {"outcome": "kept"}})
    barrier, errors = threading.Barrier(2, timeout=BACKSTOP), []

    def body(at):
        try:
            barrier.wait()
            sweep(at)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    for at in (OVERDUE, OVERDUE):
        threads = [threading.Thread(target=body, args=(at,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(BACKSTOP)
    assert not errors
    # Four placements overdue (the sweep jumps straight to "overdue"): the AP lead once per placement, the
    # pastoral owner of the one placement it owns once; a further sweep changes nothing.
    after = told()
    assert (after["ap_lead.school.a"], after["pastoral.school.a"]) == (4, 1)
    sweep(OVERDUE + MIN)
    assert told() == after
    with scopes_disabled():
        assert Escalation.objects.filter(ladder="review_overdue", level=2).count() == 4
