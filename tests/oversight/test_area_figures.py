"""The LA's children-in-AP figures at the selector level (oversight/area.py), on hand-built data: the
same figures whichever filter or sort asks for them (each is one subquery a row where it is used),
the below-the-line filter exact at the boundary, and the query count of a filtered page sorted by
attendance flat from 10 to 1,000 rows. Page-level behaviour: test_area_views.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import TermDates
from oversight import area
from tenancy.models import Membership
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .test_area_support import HALF_TERM_START, NOW, TODAY, add_children, sessions, window


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


READER = area.reader_of(Membership(role=Role.AP_OFFICER))


@pytest.fixture
def children(world):
    """Six children of LA a with known figures this half term (sessions before it do not count)."""
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    made = {}
    for name, marks in {
        "Ninety": ["present"] * 9 + ["absent"],          # 90.0 %: on the line, not below
        "Eightynine": ["present"] * 8 + ["absent"],      # 88.9 %
        "Missing": ["present", "present", "", ""],       # 2 of 4, two registers not received
        "Nosessions": [],                                 # nothing expected
    }.items():
        placement, = add_children(school, provider, 1, last_name=name)
        window(placement, HALF_TERM_START, dt.date(2026, 12, 18))
        sessions(placement, ["absent"] * 3, first=dt.date(2026, 10, 12))  # the half term before: not counted
        sessions(placement, marks)
        made[name] = placement
    overdue, = add_children(school, provider, 1, last_name="Overdue")
    window(overdue, dt.date(2026, 9, 3), dt.date(2026, 10, 23))  # ended unmet: overdue, and still its latest
    sessions(overdue, ["present"], first=dt.date(2026, 10, 20))  # in that window: counted
    sessions(overdue, ["present", "late"])
    fallback, = add_children(school, provider, 1, last_name="Fallback")  # no window: the LA's half term
    sessions(fallback, ["absent"], first=dt.date(2026, 10, 20))  # before 31 October: not counted
    sessions(fallback, ["present"])
    made.update(Overdue=overdue, Fallback=fallback)
    _term_dates(world.org(K.LOCAL_AUTHORITY))
    return made


def _term_dates(la) -> None:
    """The LA's autumn term: its second half term starts on 31 October."""
    with scopes_disabled():
        TermDates.objects.create(organisation=la, academic_year=2026, term="autumn", start_date=dt.date(2026, 9, 3),
                                 end_date=dt.date(2026, 12, 18), half_term_start=dt.date(2026, 10, 26),
                                 half_term_end=dt.date(2026, 10, 30))


def _rows(world, **filters) -> list[area.AreaRow]:
    la = world.org(K.LOCAL_AUTHORITY)
    chosen = area.AreaFilters(**filters)
    with scope(organisation=la):
        placements = area.area_placements(la, chosen, today=TODAY, now=NOW)
        return list(area.rows_of(placements, READER, today=TODAY, threshold=chosen.threshold))


def _figures(rows) -> dict[str, tuple]:
    return {r.pupil.split(",")[0]: (r.attended, r.expected, r.missing_registers, r.overdue_visits, r.below)
            for r in rows}


EXPECTED = {
    "Ninety": (9, 10, 0, 0, False),
    "Eightynine": (8, 9, 0, 0, True),
    "Missing": (2, 4, 2, 0, True),
    "Nosessions": (0, 0, 0, 0, False),
    "Overdue": (3, 3, 0, 1, False),
    "Fallback": (1, 1, 0, 0, False),
}


@pytest.mark.parametrize("sort", ["pupil", "attendance", "registers", "visits", "hours", "weeks", "school"])
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_shows_the_same_figures(world, children, sort, descending):
    assert _figures(_rows(world, sort=sort, descending=descending)) == EXPECTED


@pytest.mark.parametrize(("descending", "order"), [
    (False, ["Missing", "Eightynine", "Ninety", "Fallback", "Overdue", "Nosessions"]),  # ties: by name
    (True, ["Fallback", "Overdue", "Ninety", "Eightynine", "Missing", "Nosessions"]),  # none expected: last
])
def test_sorting_by_attendance(world, children, descending, order):
    assert [r.pupil.split(",")[0] for r in _rows(world, sort="attendance", descending=descending)] == order


def test_sorting_by_registers_and_overdue_visits(world, children):
    assert _rows(world, sort="registers", descending=True)[0].pupil.startswith("Missing,")
    assert _rows(world, sort="visits", descending=True)[0].pupil.startswith("Overdue,")


@pytest.mark.parametrize(("threshold", "below"), [
    (90, {"Eightynine", "Missing"}),
    (89, {"Eightynine", "Missing"}),  # 88.9 % is below 89 %
    (88, {"Missing"}),
    (50, set()),  # 2 of 4 is exactly 50 %: not below
    (100, {"Ninety", "Eightynine", "Missing"}),
])
def test_below_the_line_is_exact(world, children, threshold, below):
    rows = _rows(world, below=True, threshold=threshold, sort="attendance")
    assert {r.pupil.split(",")[0] for r in rows} == below
    assert all(r.below for r in rows)


def test_filtered_figures_are_those_of_the_plain_list(world, children):
    assert _figures(_rows(world, below=True, sort="attendance")) == {
        name: EXPECTED[name] for name in ("Eightynine", "Missing")}
    assert _figures(_rows(world, overdue_visit=True, sort="registers")) == {"Overdue": EXPECTED["Overdue"]}


def test_the_counts_total_is_the_paginators(world, children):
    la = world.org(K.LOCAL_AUTHORITY)
    with scope(organisation=la):
        page, counts = area.page_of(la, area.AreaFilters(below=True), 1, today=TODAY, now=NOW)
        assert page.paginator.count == counts.total == 2
        assert counts.by_school == [("School A", 2)] and counts.by_registration[0][2] == 2


def test_counts_of_adds_up_the_groups():
    counts = area.counts_of([(2, "School B", 7, "Provider X", "D", 1), (1, "School A", 7, "Provider X", "B", 2),
                             (1, "School A", 5, "Provider Y", "B", 3)])
    assert counts.by_school == [("School A", 5), ("School B", 1)]
    assert counts.by_provider == [("Provider Y", 3), ("Provider X", 3)]  # by id, as they were added
    assert [(code, n) for code, _label, n in counts.by_registration] == [("B", 5), ("D", 1)]
    assert counts.total == 6


def test_a_filtered_page_sorted_by_attendance_costs_the_same_queries_at_10_and_1000_rows(world):
    la, school, provider = world.org(K.LOCAL_AUTHORITY), world.org(K.SCHOOL), world.org(K.PROVIDER)
    below = area.AreaFilters(below=True, threshold=100, sort="attendance", descending=True)

    def page():
        with scope(organisation=la), CaptureQueriesContext(connection) as ctx:
            found, _counts = area.page_of(la, below, 1, today=TODAY, now=NOW)
            rows = list(area.rows_of(found.object_list, READER, today=TODAY, threshold=below.threshold))
            area.filter_choices(la)
        return len(ctx.captured_queries), rows

    _term_dates(la)  # no visit windows: every placement reads the LA's half term
    for placement in add_children(school, provider, 10):
        sessions(placement, ["present", "absent"])
    small, rows = page()
    assert len(rows) == 10
    for placement in add_children(school, provider, 990)[:60]:
        sessions(placement, ["absent"])
    large, rows = page()
    assert large == small and len(rows) == 50
    assert [r.percent for r in rows[9:11]] == [50, 0]  # the 10 at 50 % first, descending
