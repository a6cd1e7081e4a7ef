"""Provider termly reports (issue 12 item 5): due dates from the school's calendar (its override of
the LA's dates, an INSET day on the last day of term), the "termly_report_due" ladder with a fixed
clock (the provider reminded once before the due date, told once the day after, its managers and
the school's AP lead once 5 school days later; re-runs and two sweeps at once tell nobody twice;
submitting stops it), the rules of submission (commentary below 100 %), the school's acknowledgement,
weekly behaviour updates and the timeline source.

School a's autumn term 2026 (tests/monitoring/conftest.py) runs 2 September to Wednesday
16 December; spring starts Tuesday 5 January 2027."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from apcommission import clock
from apcommission.errors import Refusal
from attendance.models import DayKind, NonTeachingDay
from escalation.models import Escalation
from monitoring import reports_rules, reports_services
from monitoring.models import BehaviourUpdate, ReportState, TermlyReport
from monitoring.timeline import placement_timeline
from notifications.models import Notification
from notifications.services import notifications_deliver
from placements.models import Placement
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import (
    MIN,
    OPENING,
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

LADDER = "termly_report_due"
REMINDER = clock.london(D(2026, 12, 9), dt.time(7, 0))  # 5 school days before Wednesday 16 December
OVERDUE = clock.london(D(2026, 12, 17), dt.time(7, 0))  # the day after the due date
ESCALATE = clock.london(D(2027, 1, 11), dt.time(7, 0))  # the 5th school day of the spring term
SUBMIT_AT = clock.london(D(2026, 12, 10), dt.time(15, 0))
COMPLETE = {"attendance_percent": Decimal("100"), "punctuality": "On time", "attitude": "Keen",
            "engagement": "Good", "behaviour": "Calm", "skills_covered": "Welding", "next_targets": "Level 2"}


def told(topic=LADDER) -> Counter:
    return people_told(topic)


def report_of(placement) -> TermlyReport:
    with scopes_disabled():
        return TermlyReport.objects.get(placement=placement)


def save(world, report, values, *, submit, side="a", role=Role.PROVIDER_STAFF, at=SUBMIT_AT):
    provider = world.org(K.PROVIDER, side)
    with scope(organisation=provider):
        return reports_services.report_save(report=report, values=values, by=world.user(K.PROVIDER, role, side),
                                            organisation=provider, now=at, submit=submit)


@pytest.fixture
def placed(world):
    calendars(world)
    world.placements["a"] = place(world)
    return world


# --- Due dates ------------------------------------------------------------------------------------

def test_the_report_is_due_on_the_last_school_day_of_the_schools_own_term(placed):
    assert reports_services.termly_reports_open(now=OPENING) == 1
    assert reports_services.termly_reports_open(now=OPENING) == 1  # again: the same row, the same ladder row
    report = report_of(placed.placements["a"])
    assert (report.term_start, report.term_end, report.due_on, report.state) == (
        D(2026, 9, 2), D(2026, 12, 16), D(2026, 12, 16), ReportState.DUE)  # the LA's term would end on the 18th
    with scopes_disabled():
        row = Escalation.objects.get(ladder="termly_report_due")
    assert (row.organisation_id, row.other_organisation_id) == (placed.org(K.PROVIDER).pk, placed.org(K.SCHOOL).pk)


def test_an_inset_day_on_the_last_day_of_term_moves_the_due_date_back(placed):
    with scopes_disabled():
        NonTeachingDay.objects.create(organisation=placed.org(K.SCHOOL), date=D(2026, 12, 16), kind=DayKind.INSET)
        NonTeachingDay.objects.create(organisation=placed.org(K.SCHOOL), date=D(2026, 12, 15), kind=DayKind.CLOSURE)
    reports_services.termly_reports_open(now=OPENING)
    assert report_of(placed.placements["a"]).due_on == D(2026, 12, 14)  # Monday: the last day the school teaches


def test_the_due_date_setting_counts_school_days_before_the_end(placed, settings):
    settings.APC_TERMLY_REPORT_DUE_SCHOOL_DAYS_BEFORE_END = 2
    reports_services.termly_reports_open(now=OPENING)
    assert report_of(placed.placements["a"]).due_on == D(2026, 12, 14)


def test_the_anchors_count_school_days_around_the_due_date():
    term = [D(2026, 12, day) for day in (7, 8, 9, 10, 11, 14, 15, 16)]
    after = [D(2027, 1, day) for day in (5, 6, 7, 8, 11, 12)]
    anchors = reports_rules.ladder_anchors(term, after)
    assert anchors == {"reminder": REMINDER, "overdue": OVERDUE, "escalate": ESCALATE}


def test_a_placement_starting_in_the_last_days_of_term_owes_no_report(world):
    calendars(world)
    late = place(world, start=D(2026, 12, 4))  # 9 school days to 16 December
    reports_services.termly_reports_open(now=clock.london(D(2026, 12, 4), dt.time(5, 40)))
    with scopes_disabled():
        assert not TermlyReport.objects.filter(placement=late).exists()


# --- The ladder -----------------------------------------------------------------------------------

def test_each_level_goes_once_to_the_right_people(placed):
    reports_services.termly_reports_open(now=OPENING)
    assert climb(REMINDER, LADDER) == (
        Counter(), Counter({"provider_manager.provider.a": 1, "provider_staff.provider.a": 1}))
    _, after = climb(OVERDUE, LADDER, again=dt.timedelta(hours=2))
    assert after == Counter({"provider_manager.provider.a": 2, "provider_staff.provider.a": 2})
    reports_services.termly_reports_open(now=clock.london(D(2027, 1, 5), dt.time(5, 40)))  # the spring term's
    before, after = climb(ESCALATE, LADDER, again=dt.timedelta(days=1))
    assert before["ap_lead.school.a"] == 0
    assert after == Counter({"provider_manager.provider.a": 3, "provider_staff.provider.a": 2,
                             "ap_lead.school.a": 1})


def test_the_emails_name_the_school_and_provider_never_the_pupil(placed):
    reports_services.termly_reports_open(now=OPENING)
    sweep(ESCALATE)
    notifications_deliver(now=ESCALATE)
    assert mail.outbox
    for email in mail.outbox:
        assert "PupilA" not in email.subject + email.body
    bodies = {email.to[0].split("@")[0]: email.body for email in mail.outbox}
    assert "School A" in bodies["provider_manager.provider.a"]
    assert "Provider A has not sent" in bodies["ap_lead.school.a"]


def test_submitting_the_report_stops_the_ladder_and_tells_the_school(placed):
    reports_services.termly_reports_open(now=OPENING)
    sweep(REMINDER)
    report = save(placed, report_of(placed.placements["a"]), COMPLETE, submit=True)
    assert report.state == ReportState.SUBMITTED
    sweep(OVERDUE)
    sweep(ESCALATE)
    assert told() == Counter({"provider_manager.provider.a": 1, "provider_staff.provider.a": 1})
    assert told("termly_report_submitted") == Counter({"ap_lead.school.a": 1})
    with scopes_disabled():
        assert Escalation.objects.get(ladder="termly_report_due").resolved_at is not None


def test_a_placement_that_left_ap_tells_nobody(placed):
    reports_services.termly_reports_open(now=OPENING)
    leave_ap(placed.placements["a"], D(2026, 12, 1))
    sweep(OVERDUE)
    assert told() == Counter()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_jobs_and_two_sweeps_at_once_tell_each_person_once(world, monkeypatch):
    monkeypatch.setattr("notifications.services._enqueue_delivery", lambda: None)
    held_placements(world, 3)
    errors = (twice_at_once(lambda: reports_services.termly_reports_open(now=OPENING))
              + twice_at_once(lambda: sweep(OVERDUE)))
    assert not errors
    with scopes_disabled():
        assert TermlyReport.objects.count() == 3
        assert Escalation.objects.filter(ladder="termly_report_due").count() == 3
        # One notification per person per report per level: level 2 only (catch-up skips the reminder).
        per_person = Counter(Notification.objects.filter(topic=LADDER).values_list("user__email",
                                                                                                flat=True))
    assert set(per_person.values()) == {3}


# --- Writing, submitting and acknowledging ---------------------------------------------------------

def test_commentary_is_required_when_attendance_is_below_100(placed):
    reports_services.termly_reports_open(now=OPENING)
    report = report_of(placed.placements["a"])
    with pytest.raises(ValidationError) as refused:
        save(placed, report, {**COMPLETE, "attendance_percent": Decimal("92.5")}, submit=True)
    assert refused.value.message_dict == {
        "attendance_commentary": ["Enter a commentary on attendance, as it is below 100%"]}
    save(placed, report, {**COMPLETE, "attendance_percent": Decimal("92.5"),
                          "attendance_commentary": "Two days ill"}, submit=True)
    assert report_of(placed.placements["a"]).state == ReportState.SUBMITTED


def test_a_draft_keeps_what_was_written_and_names_every_missing_answer(placed):
    reports_services.termly_reports_open(now=OPENING)
    report = save(placed, report_of(placed.placements["a"]), {"punctuality": "Mostly on time",
                                                              "target_progress": [("Attend 95%", "")]}, submit=False)
    assert (report.state, report.punctuality) == (ReportState.DRAFT, "Mostly on time")
    with pytest.raises(ValidationError) as refused:
        save(placed, report, {}, submit=True)
    assert set(refused.value.message_dict) == {"attendance_percent", "attitude", "engagement", "behaviour",
                                               "skills_covered", "next_targets", "target_0"}


def test_a_submitted_report_does_not_change_and_is_acknowledged_once(placed):
    reports_services.termly_reports_open(now=OPENING)
    report = save(placed, report_of(placed.placements["a"]), COMPLETE, submit=True)
    with pytest.raises(Refusal):
        save(placed, report, {"behaviour": "Changed"}, submit=False)
    school, lead = placed.org(K.SCHOOL), placed.user(K.SCHOOL, Role.AP_LEAD)
    with scope(organisation=school):
        done = reports_services.report_acknowledge(report=report, comment=" Thank you ", by=lead, organisation=school,
                                                   now=SUBMIT_AT)
        assert (done.state, done.acknowledged_by, done.acknowledgement_comment) == (
            ReportState.ACKNOWLEDGED, lead, "Thank you")
        with pytest.raises(Refusal):
            reports_services.report_acknowledge(report=report, comment="", by=lead, organisation=school,
                                                now=SUBMIT_AT)


def test_a_report_not_yet_submitted_cannot_be_acknowledged(placed):
    reports_services.termly_reports_open(now=OPENING)
    school = placed.org(K.SCHOOL)
    with scope(organisation=school), pytest.raises(Refusal):
        reports_services.report_acknowledge(report=report_of(placed.placements["a"]), comment="",
                                            by=placed.user(K.SCHOOL, Role.AP_LEAD), organisation=school,
                                            now=SUBMIT_AT)


# --- Weekly behaviour updates ------------------------------------------------------------------------

MONDAY = clock.london(D(2026, 11, 30), dt.time(7, 0))


def test_a_placement_in_emergency_review_is_asked_once_a_week_until_it_answers(placed):
    with scopes_disabled():
        Placement.objects.filter(pk=placed.placements["a"].pk).update(state="emergency_review")
        placement = Placement.objects.get(pk=placed.placements["a"].pk)
    assert reports_services.behaviour_updates_ask(now=MONDAY) == 1
    reports_services.behaviour_updates_ask(now=MONDAY + MIN)  # re-run: nobody told twice
    assert told("behaviour_update_due") == Counter({"provider_manager.provider.a": 1,
                                                    "provider_staff.provider.a": 1})
    provider = placed.org(K.PROVIDER)
    with scope(organisation=provider):
        reports_services.behaviour_update_add(placement=placement, text="Calmer this week",
                                              by=placed.user(K.PROVIDER, Role.PROVIDER_STAFF), organisation=provider,
                                              now=MONDAY + dt.timedelta(days=2))
        with pytest.raises(Refusal):  # one a week
            reports_services.behaviour_update_add(placement=placement, text="Again", by=None, organisation=provider,
                                                  now=MONDAY + dt.timedelta(days=3))
    assert reports_services.behaviour_updates_ask(now=MONDAY + dt.timedelta(days=4)) == 0
    assert reports_services.behaviour_updates_ask(now=MONDAY + dt.timedelta(days=7)) == 1  # next week: asked again
    with scopes_disabled():
        assert BehaviourUpdate.objects.get().week_start == D(2026, 11, 30)


def test_an_active_placement_is_not_asked(placed):
    assert reports_services.behaviour_updates_ask(now=MONDAY) == 0


# --- The timeline source -------------------------------------------------------------------------

def test_the_timeline_shows_the_school_submitted_reports_only_and_the_provider_its_drafts(placed):
    reports_services.termly_reports_open(now=OPENING)
    placement = placed.placements["a"]
    school_lead, staff = placed.member(K.SCHOOL, Role.AP_LEAD), placed.member(K.PROVIDER, Role.PROVIDER_STAFF)

    def entries(member):
        with scope(organisation=member.organisation):
            return [(e.kind, e.title, e.state) for e in placement_timeline(placement, member)
                    if e.kind in ("report", "behaviour_update")]

    assert entries(school_lead) == []
    assert entries(staff) == [("report", "Termly report: autumn term 2026", "Due")]
    save(placed, report_of(placement), COMPLETE, submit=True)
    assert entries(school_lead) == [("report", "Termly report: autumn term 2026", "Submitted")]
    trust = placed.member(K.TRUST, Role.TRUST_EXECUTIVE)
    assert entries(trust) == []
