"""What the school sees (issue 11 item 4): its attendance page, a placement's chart and sessions, its
own code for an absence, the CSV an MIS imports; who reads them; and their query cost."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcommission import clock
from attendance.factories import register_with_sessions
from attendance.models import AttendanceSettings, ExpectedSession
from placements.factories import PupilFactory, placement_in_state
from tenancy.models import AuditEvent
from tenancy.roles import ROLE_KINDS, Role, role_has
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)  # Wednesday; GMT, so 10:00 in London
D = dt.date


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return clock.london(day, dt.time(hour))


def add_session(placement, starts_at, mark="", **fields) -> ExpectedSession:
    with scopes_disabled():
        register = register_with_sessions(placements=[placement], starts_at=starts_at,
                                           part="am" if starts_at.astimezone(clock.LONDON).hour < 12 else "pm")
        session = register.sessions.get(placement=placement)
        session.mark = mark
        for name, value in fields.items():
            setattr(session, name, value)
        session.save()
    return session


@pytest.fixture
def frozen():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def school_a(world, frozen):
    """School a's pupil 'PupilA' at provider a: present, absent, late, a register not received, a
    session not required and one still to come (2 of 4 counted sessions attended: 50 %)."""
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active", now=NOW)
    sessions = {
        "present": add_session(placement, at(D(2026, 11, 16)), "present"),
        "absent": add_session(placement, at(D(2026, 11, 17)), "absent", absence_reason="ill"),
        "not_required": add_session(placement, at(D(2026, 11, 20)), "not_required"),
        "late": add_session(placement, at(D(2026, 11, 23)), "late", minutes_late=12),
        "missing": add_session(placement, at(D(2026, 11, 24))),
        "future": add_session(placement, at(D(2026, 11, 25), 13)),
    }
    return placement, sessions


def url(name, org, **kwargs):
    return reverse(f"attendance:{name}", kwargs={"org": org.slug, **kwargs})


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_the_school_sees_each_placement_percentage_and_the_below_target_flag(world, login, school_a):
    client = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER))
    response = client.get(url("school_attendance", world.org(K.SCHOOL)))
    assert response.status_code == 200
    table = soup(response).select_one('[data-testid="placements"]')
    row = " ".join(table.select("tbody tr")[0].get_text(" ").split())
    assert "PupilA" in row and "Provider A" in row
    assert "2 of 4" in row and "50.0%" in row and "Below 90%" in row


def test_the_schools_own_target_decides_the_flag(world, login, school_a):
    with scopes_disabled():
        AttendanceSettings.objects.create(school=world.org(K.SCHOOL), target_percent=50)
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    row = soup(client.get(url("school_attendance", world.org(K.SCHOOL)))).select_one('[data-testid="placements"] tbody tr')
    assert "Below" not in row.get_text() and "50%" in row.get_text()
    below = client.get(url("school_attendance", world.org(K.SCHOOL)) + "?queue=below_target")
    assert below.context["page"].paginator.count == 0
    assert "No placement is below the attendance target" in below.content.decode()


def test_this_week_shows_each_sessions_mark_and_the_schools_code(world, login, school_a):
    client = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER))
    week = soup(client.get(url("school_attendance", world.org(K.SCHOOL)))).select_one('[data-testid="week"]')
    rows = [" ".join(tr.get_text(" ").split()) for tr in week.select("tbody tr")]
    assert len(rows) == 3  # Monday (late), Tuesday (missing), Wednesday afternoon (to come); last week's are not here
    assert "Late, 12 min late" in rows[0] and " B " in f" {rows[0]} " and "late by 12 minutes" in rows[0]
    assert "Register not received" in rows[1] and " N " in f" {rows[1]} "
    assert "Not taken yet" in rows[2]


def test_the_placement_page_draws_the_weeks_and_gives_the_same_figures_as_a_table(world, login, school_a):
    placement, _ = school_a
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    page = soup(client.get(url("placement_attendance", world.org(K.SCHOOL), pk=placement.pk)))
    svg = page.select_one('svg[data-testid="chart"]')
    assert svg["role"] == "img"
    assert svg.find("title").get_text() == "Attendance week by week"
    assert "50.0%" in svg.find("desc").get_text() and "target of 90%" in svg.find("desc").get_text()
    bar_texts = [t.get_text() for t in svg.select("g text") if t.get_text().endswith("%")]
    assert bar_texts == ["50%", "50%"]  # week of 16 Nov: present + absent; week of 23 Nov: late + missing
    assert "Target 90%" in svg.get_text()
    table = [" ".join(tr.get_text(" ").split()) for tr in page.select('[data-testid="weeks"] tbody tr')]
    assert table == ["16 November 2026 1 2 50.0% (below target)", "23 November 2026 1 2 50.0% (below target)"]
    figures = page.select_one('[data-testid="figures"]').get_text(" ")
    assert "50.0% (2 of 4 sessions)" in " ".join(figures.split())
    sessions = page.select('[data-testid="sessions"] tbody tr')
    assert len(sessions) == 6
    assert "Choose the code" in sessions[-2].get_text()  # the absence, newest first


def test_the_school_records_its_code_for_an_absence_and_it_is_audited(world, login, school_a):
    placement, sessions = school_a
    school = world.org(K.SCHOOL)
    client = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER))
    page = client.get(url("session_code", school, pk=sessions["absent"].pk))
    assert page.status_code == 200 and "ill" in page.content.decode()
    response = client.post(url("session_code", school, pk=sessions["absent"].pk), {"code": "I"})
    assert response.status_code == 302
    with scopes_disabled():
        assert ExpectedSession.objects.get(pk=sessions["absent"].pk).school_code == "I"
        event = AuditEvent.objects.get(organisation=school, action="change", object_id=str(sessions["absent"].pk))
    assert "N → I" in event.detail
    detail = client.get(url("placement_attendance", school, pk=placement.pk)).content.decode()
    assert "Illness" in detail and "Change the code" in detail


def test_a_code_only_for_an_absence_and_only_from_the_list(world, login, school_a):
    _, sessions = school_a
    school = world.org(K.SCHOOL)
    client = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER))
    refused = client.post(url("session_code", school, pk=sessions["present"].pk), {"code": "I"})
    assert refused.status_code == 409
    assert "only for a session the provider marked absent" in refused.content.decode()
    nonsense = client.post(url("session_code", school, pk=sessions["absent"].pk), {"code": "ZZ"})
    assert nonsense.status_code == 400 and "govuk-error-summary" in nonsense.content.decode()
    with scopes_disabled():
        assert ExpectedSession.objects.filter(pk__in=[s.pk for s in sessions.values()], school_code="").count() == 6


@pytest.mark.parametrize("role", sorted(ROLE_KINDS[K.SCHOOL]))
def test_the_pupil_is_named_only_for_roles_that_follow_attendance(world, login, school_a, role):
    placement, _ = school_a
    client = login(world.user(K.SCHOOL, role))
    for page in (url("school_attendance", world.org(K.SCHOOL)),
                 url("placement_attendance", world.org(K.SCHOOL), pk=placement.pk)):
        response = client.get(page)
        if role_has(role, "view_attendance"):
            assert response.status_code == 200 and "PupilA" in response.content.decode()
        else:
            assert response.status_code == 403 and "PupilA" not in response.content.decode()


def test_the_trust_reads_its_schools_attendance_but_another_school_does_not(world, login, school_a):
    placement, _ = school_a
    trust = login(world.user(K.TRUST, Role.TRUST_EXECUTIVE)).get(url("school_attendance", world.org(K.TRUST)))
    assert trust.status_code == 200 and "PupilA" in trust.content.decode() and "School A" in trust.content.decode()
    other = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER, "b"))
    assert "PupilA" not in other.get(url("school_attendance", world.org(K.SCHOOL, "b"))).content.decode()
    assert other.get(url("placement_attendance", world.org(K.SCHOOL, "b"), pk=placement.pk)).status_code == 404


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_for_the_mis_has_a_row_per_register_session_with_the_upn(world, login, school_a):
    placement, sessions = school_a
    with scopes_disabled():
        ExpectedSession.objects.filter(pk=sessions["present"].pk).update(part="day")
        ExpectedSession.objects.filter(pk=sessions["absent"].pk).update(school_code="M")
    school, upn = world.org(K.SCHOOL), world.pupils["a"].upn
    client = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER))
    response = client.get(url("export", school), {"first_0": "16", "first_1": "11", "first_2": "2026",
                                                 "last_0": "25", "last_1": "11", "last_2": "2026"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert _csv(response) == [
        ["date", "session", "upn", "code", "minutes_late"],
        ["2026-11-16", "AM", upn, "B", ""],  # an all-day session is both register sessions
        ["2026-11-16", "PM", upn, "B", ""],
        ["2026-11-17", "AM", upn, "M", ""],
        ["2026-11-23", "AM", upn, "B", "12"],
        ["2026-11-24", "AM", upn, "N", ""],  # register not received; not required and still to come: left out
    ]
    with scopes_disabled():
        assert AuditEvent.objects.filter(organisation=school, action="export").count() == 1


def test_another_school_cannot_export_this_schools_register(world, login, school_a):
    other = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER, "b"))
    assert other.get(url("export", world.org(K.SCHOOL)), {"first_0": "16", "first_1": "11", "first_2": "2026",
                                                        "last_0": "25", "last_1": "11", "last_2": "2026"}).status_code == 404
    own = other.get(url("export", world.org(K.SCHOOL, "b")), {"first_0": "16", "first_1": "11", "first_2": "2026",
                                                             "last_0": "25", "last_1": "11", "last_2": "2026"})
    assert world.pupils["a"].upn not in b"".join(own.streaming_content).decode()


def test_the_export_form_starts_with_this_week_and_refuses_bad_dates(world, login, school_a):
    client = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER))
    form = soup(client.get(url("export", world.org(K.SCHOOL))))
    assert form.select_one('input[name="first_0"]')["value"] == "23"  # Monday of this week
    assert form.select_one('input[name="last_0"]')["value"] == "25"  # today
    backwards = client.get(url("export", world.org(K.SCHOOL)), {"first_0": "25", "first_1": "11", "first_2": "2026",
                                                               "last_0": "16", "last_1": "11", "last_2": "2026"})
    assert backwards.status_code == 400
    assert "The last day must be the same as or after the first day" in backwards.content.decode()


def _placements(world, count: int) -> None:
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    for _ in range(count):
        with scopes_disabled():
            pupil = PupilFactory(school=school)
        placement = placement_in_state(pupil=pupil, provider=provider, state="active", now=NOW)
        add_session(placement, at(D(2026, 11, 23)), "present")
        add_session(placement, at(D(2026, 11, 24)), "absent", absence_reason="ill")


def test_the_attendance_page_costs_the_same_with_5_and_50_placements(world, login, frozen):
    client = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER))
    page = url("school_attendance", world.org(K.SCHOOL))

    def queries() -> int:
        client.get(page)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
        assert response.status_code == 200
        return len(captured), response

    _placements(world, 5)
    at_5, response = queries()
    assert len(response.context["rows"]) == 5 and len(response.context["week"]) == 10
    _placements(world, 45)
    at_50, response = queries()
    assert len(response.context["rows"]) == 50 and len(response.context["week"]) == 100
    assert at_50 == at_5


# --- Dashboards ------------------------------------------------------------------------------

def test_the_school_dashboard_counts_the_placements_below_target_and_links_to_exactly_them(world, login, school_a):
    from tests.dashboards.conftest import path_of, read_dashboard, rows_listed

    member = world.member(K.SCHOOL, Role.ATTENDANCE_OFFICER)
    client = login(member.user)
    figures = {label: (value, href) for label, value, href in read_dashboard(client, member).figures}
    value, href = figures["Placements below the attendance target"]
    assert value == 1
    listed = client.get(path_of(href))
    assert listed.context["queue"] is not None and rows_listed(listed) == 1
    with scopes_disabled():
        AttendanceSettings.objects.create(school=world.org(K.SCHOOL), target_percent=50)
    figures = {label: value for label, value, _ in read_dashboard(client, member).figures}
    assert figures["Placements below the attendance target"] == 0


def test_roles_that_do_not_follow_attendance_get_no_attendance_figure(world, login, school_a):
    from tests.dashboards.conftest import read_dashboard

    member = world.member(K.SCHOOL, Role.FINANCE)
    labels = [label for label, _, _ in read_dashboard(login(member.user), member).figures]
    assert "Placements below the attendance target" not in labels


def test_the_provider_is_told_how_many_of_todays_registers_are_still_to_take(world, login, school_a):
    from attendance.models import Register
    from tests.dashboards.conftest import path_of, read_dashboard

    placement, sessions = school_a
    with scopes_disabled():  # today (Wednesday 25 November): the 1pm register to take; the 9am one submitted
        done = register_with_sessions(placements=[placement], starts_at=at(D(2026, 11, 25), 9))
        Register.objects.filter(pk=done.pk).update(submitted_at=NOW)
    staff = world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    client = login(staff.user)
    items = [(text, href) for text, href in read_dashboard(client, staff).attention if "registers" in text]
    assert items == [("Take today's registers: 1 due", url("register_list", world.org(K.PROVIDER)))]
    assert client.get(path_of(items[0][1])).status_code == 200
    admin = world.member(K.PROVIDER, Role.ORG_ADMIN)  # does not take registers: no item
    assert not [t for t, _ in read_dashboard(login(admin.user), admin).attention if "registers" in t]
    with scopes_disabled():
        Register.objects.filter(provider=world.org(K.PROVIDER)).update(submitted_at=NOW)
    assert not [t for t, _ in read_dashboard(login(staff.user), staff).attention if "registers" in t]


# --- The weekly summary ----------------------------------------------------------------------

def test_the_weekly_summary_tells_the_ap_lead_last_weeks_figures_without_names(world, school_a):
    from attendance.models import Register
    from attendance.tasks_summary import weekly_summaries_send
    from notifications.models import Notification

    placement, sessions = school_a
    with scopes_disabled():  # Monday 23rd's register came on time; the 24th's and the 25th's never came
        register = Register.objects.get(pk=sessions["late"].register_id)
        Register.objects.filter(pk=register.pk).update(submitted_at=register.due_at)
    monday = clock.london(D(2026, 11, 30), dt.time(7))
    assert weekly_summaries_send(now=monday) == 1
    assert weekly_summaries_send(now=monday + dt.timedelta(minutes=5)) == 0  # once per school per week
    with scopes_disabled():
        note = Notification.objects.get(topic="attendance_summary")
    assert note.user == world.user(K.SCHOOL, Role.AP_LEAD)
    assert "week of 23 November 2026" in note.subject
    # Last week (23–29 Nov): late (attended), the 24th and the afternoon of the 25th not received (missed).
    assert "1 placement is below" in note.body
    assert "2 sessions were missed" in note.body
    assert "2 registers were late or not received" in note.body
    assert "PupilA" not in note.subject + note.body and world.pupils["a"].last_name not in note.body
    assert note.link == url("school_attendance", world.org(K.SCHOOL))


def test_a_school_that_switched_the_summary_off_gets_none(world, school_a):
    from attendance.tasks_summary import weekly_summaries_send

    with scopes_disabled():
        AttendanceSettings.objects.create(school=world.org(K.SCHOOL), weekly_summary=False)
    assert weekly_summaries_send(now=clock.london(D(2026, 11, 30), dt.time(7))) == 0


def test_the_summary_runs_on_monday_at_seven_london_time():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["attendance-weekly-summary"]
    assert entry["task"] == "attendance.tasks_summary.send_weekly_summaries"
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({7}, {0}, {1})
    assert settings.CELERY_TIMEZONE == "Europe/London"
