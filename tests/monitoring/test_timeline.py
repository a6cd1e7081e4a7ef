"""The placement's one timeline (issue 12 item 8) on the placement page: visits (submitted and draft),
half-term windows still needing a visit (due, overdue), open visit actions and the lifecycle events,
newest first, each with its date, kind, state and link; what a provider sees of them; a restricted
entry shows "Restricted record" and nothing of its detail; the page's queries do not grow with the
timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcommission import clock
from monitoring import services
from monitoring.timeline import (
    TimelineEntry,
    placement_timeline,
    register_source,
    unregister_source,
)
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope

from .conftest import D, calendars, place, set_owner


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = clock.london(D(2026, 12, 3), dt.time(14, 0))
SCHOOL_ACTION = "SENTINEL-SCHOOL-ACTION phone home"
PROVIDER_ACTION = "SENTINEL-PROVIDER-ACTION share timetable"
CONCERN = "SENTINEL-CONCERN-DETAIL bruise on arm"
PAGE_BUDGET = 31  # the placement page (school AP lead) with a timeline of 27+ entries: measured 24; +review meetings 29; +termly reports and weekly behaviour updates (one query per record kind, none per entry) 31


@pytest.fixture
def placed(world):
    with clock.frozen(NOW):
        calendars(world)
        world.placements["a"] = place(world)
        set_owner(world, world.placements["a"])
        # The first autumn window (to 18 October) ended with no visit; the second (to 16 December) is due.
        with clock.frozen(clock.london(D(2026, 10, 1), dt.time(5, 30))):
            services.visit_windows_open(now=clock.now())
        services.visit_windows_open(now=NOW)
        yield world


VISITED_ON = D(2026, 12, 2)


def _visit(world, *, submit, visited_on=VISITED_ON, actions=()):
    placement = world.placements["a"]
    school, by = world.org(K.SCHOOL), world.user(K.SCHOOL, Role.AP_LEAD)
    with scope(organisation=school):
        visit = services.visit_save(placement=placement, by=by, organisation=school, now=NOW, submit=submit,
                                    values={"visited_on": visited_on, "visited_time": dt.time(10, 0), "visitor": by,
                                            "safeguarding_concerns": False, "parent_contacted": True})
        for side, text, due in actions:
            services.visit_action_add(visit=visit, side=side, description=text, owner_name="Someone", due_on=due,
                                      by=by, organisation=school)
    return visit


def _page(client, world, kind=K.SCHOOL):
    response = client.get(reverse("placements:placement_detail",
                                  kwargs={"org": world.org(kind).slug, "pk": world.placements["a"].pk}))
    assert response.status_code == 200
    return response


def _entries(response) -> list[tuple[str, str]]:
    timeline = BeautifulSoup(response.content.decode(), "html.parser").select_one('[data-testid="timeline"]')
    return [(li["data-kind"], " ".join(li.get_text(" ").split())) for li in timeline.select("li[data-kind]")]


def test_the_school_sees_visits_windows_and_actions_with_their_states(placed, login):
    draft = _visit(placed, submit=False, visited_on=D(2026, 12, 1))
    visit = _visit(placed, submit=True, actions=[("school", SCHOOL_ACTION, D(2026, 12, 1)),
                                                 ("provider", PROVIDER_ACTION, D(2026, 12, 11))])
    with clock.frozen(NOW):
        response = _page(login(placed.user(K.SCHOOL, Role.AP_LEAD)), placed)
    entries = _entries(response)
    text = dict((kind, []) for kind, _ in entries)
    for kind, line in entries:
        text[kind].append(line)
    assert any("Visit" in line and "Submitted" in line for line in text["visit"])
    assert any("Visit record (draft)" in line and "Draft" in line for line in text["visit"])
    # The visit on 2 December met the second window (and, late, the first): neither is due now.
    assert "visit_window" not in text
    assert any(SCHOOL_ACTION in line and "Action overdue" in line for line in text["visit_action"])
    assert any(PROVIDER_ACTION in line and "Open" in line for line in text["visit_action"])
    assert text["placement"], "the lifecycle events are on the same timeline"
    html = response.content.decode()
    org = placed.org(K.SCHOOL).slug
    assert reverse("monitoring:visit_detail", kwargs={"org": org, "pk": visit.pk}) in html
    assert reverse("monitoring:visit_edit", kwargs={"org": org, "pk": draft.pk}) in html
    # Newest first: the open provider action (due 11 December) heads the list.
    assert entries[0][0] == "visit_action" and PROVIDER_ACTION in entries[0][1]


def test_windows_with_no_visit_are_overdue_then_due(placed, login):
    with clock.frozen(NOW):
        entries = _entries(_page(login(placed.user(K.SCHOOL, Role.PASTORAL)), placed))
    windows = [line for kind, line in entries if kind == "visit_window"]
    assert len(windows) == 2
    assert "31 Oct to 16 Dec 2026" in windows[0] and "Visit due" in windows[0]
    assert "2 Sep to 18 Oct 2026" in windows[1] and "Visit overdue" in windows[1]


def test_the_provider_sees_submitted_visits_and_its_own_actions_only(placed, login):
    _visit(placed, submit=False, visited_on=D(2026, 12, 1))
    _visit(placed, submit=True, actions=[("school", SCHOOL_ACTION, D(2026, 12, 1)),
                                         ("provider", PROVIDER_ACTION, D(2026, 12, 11))])
    with clock.frozen(NOW):
        response = _page(login(placed.user(K.PROVIDER, Role.PROVIDER_MANAGER)), placed, K.PROVIDER)
    entries = _entries(response)
    html = response.content.decode()
    assert [kind for kind, _ in entries].count("visit") == 1 and "Draft" not in html
    assert PROVIDER_ACTION in html and SCHOOL_ACTION not in html
    assert not any(kind == "visit_window" for kind, _ in entries)


@pytest.fixture
def concern_source():
    """A restricted record as the safeguarding app's source returns it to a non-DSL (and in full to a DSL)."""

    def concerns(placement, membership):
        if membership.role == Role.DSL:
            return [TimelineEntry(at=NOW, kind="concern", title=f"Safeguarding concern: {CONCERN}", state="Open",
                                  colour="red", url="/concern-detail-sentinel/")]
        return [TimelineEntry(at=NOW, kind="concern", title=f"Safeguarding concern: {CONCERN}", state="Open",
                              url="/concern-detail-sentinel/", detail=CONCERN, restricted=True)]

    register_source("test_concern", concerns)
    yield
    unregister_source("test_concern")


@pytest.mark.usefixtures("concern_source")
@pytest.mark.parametrize("role", [Role.AP_LEAD, Role.HEADTEACHER, Role.PASTORAL, Role.ATTENDANCE_OFFICER])
def test_a_restricted_entry_shows_no_detail_to_a_non_dsl(placed, login, role):
    with clock.frozen(NOW):
        response = _page(login(placed.user(K.SCHOOL, role)), placed)
    html = response.content.decode()
    concern = next(line for kind, line in _entries(response) if kind == "concern")
    assert "Restricted record" in concern and "Safeguarding" in concern
    assert CONCERN not in html and "/concern-detail-sentinel/" not in html


@pytest.mark.usefixtures("concern_source")
def test_the_dsl_reads_the_concern_entry(placed, login):
    with clock.frozen(NOW):
        response = _page(login(placed.user(K.SCHOOL, Role.DSL)), placed)
    assert CONCERN in response.content.decode() and "/concern-detail-sentinel/" in response.content.decode()


def test_the_placement_page_costs_the_same_with_a_long_timeline(placed, login, django_assert_max_num_queries):
    client = login(placed.user(K.SCHOOL, Role.AP_LEAD))

    def measure():
        with clock.frozen(NOW), CaptureQueriesContext(connection) as captured:
            response = _page(client, placed)
        return len(captured), len(_entries(response))

    _visit(placed, submit=True, actions=[("school", SCHOOL_ACTION, D(2026, 12, 1))])
    short, few = measure()
    for day in (23, 24, 25, 26):
        _visit(placed, submit=False, visited_on=D(2026, 11, day))
    _visit(placed, submit=True, visited_on=D(2026, 11, 27),
           actions=[("school", f"{SCHOOL_ACTION} {n}", D(2026, 12, n)) for n in range(1, 11)])
    long, many = measure()
    assert many >= 20 and many >= few + 10
    assert long == short, (short, long)
    with clock.frozen(NOW), django_assert_max_num_queries(PAGE_BUDGET):
        _page(client, placed)


def test_sources_are_gathered_newest_first(placed):
    with clock.frozen(NOW), scope(organisation=placed.org(K.SCHOOL)):
        entries = placement_timeline(placed.placements["a"], placed.member(K.SCHOOL, Role.AP_LEAD))
    keys = [entry.sort_key for entry in entries]
    assert keys == sorted(keys, reverse=True)
