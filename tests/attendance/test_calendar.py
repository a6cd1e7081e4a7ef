"""School days (issue 11 item 1): term time minus half terms, bank holidays, INSET and closures;
a school's own term dates replace its LA's for that year; providers get dates only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance import calendar
from attendance.calendar import (
    CalendarNotShared,
    is_school_day,
    is_school_day_at,
    provider_school_days,
    school_days,
)
from attendance.demo import load_calendar_demo
from attendance.models import DayKind, NonTeachingDay, Term, TermDates
from tenancy.factories import OrganisationFactory
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope, scopes_disabled

D = dt.date


def term(org, year, name, start, end, half=(None, None)):
    with scopes_disabled():
        return TermDates.objects.create(organisation=org, academic_year=year, term=name, start_date=start,
                                        end_date=end, half_term_start=half[0], half_term_end=half[1])


def day_off(org, day, kind=DayKind.INSET):
    with scopes_disabled():
        return NonTeachingDay.objects.create(organisation=org, date=day, kind=kind)


@pytest.fixture
def area(db):
    la = OrganisationFactory(kind=K.LOCAL_AUTHORITY, slug="cal-la", name="Calendar LA")
    school = OrganisationFactory(kind=K.SCHOOL, slug="cal-school", local_authority=la)
    academy = OrganisationFactory(kind=K.SCHOOL, slug="cal-academy", local_authority=la, school_type="academy")
    load_calendar_demo(la)
    return la, school, academy


def days(school, start, end, **kw):
    with scope(organisation=school):
        return school_days(school, start, end, **kw)


def test_bank_holidays_come_from_the_bundled_data_without_the_network(monkeypatch):
    import requests

    def no_network(*args, **kwargs):
        raise AssertionError("tried to download bank holidays")

    monkeypatch.setattr(requests, "get", no_network)
    calendar.bank_holidays.cache_clear()
    holidays = calendar.bank_holidays()
    assert {D(2026, 12, 25), D(2026, 12, 28), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31),
            D(2027, 8, 30)} <= holidays
    assert D(2026, 12, 26) not in holidays  # a Saturday; its substitute is Monday 28th
    assert D(2027, 1, 4) not in holidays  # 2 January is a holiday in Scotland only


def test_term_time_days_is_a_pure_rule():
    spans = [calendar.TermSpan(D(2026, 9, 1), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30))]
    got = calendar.term_time_days(D(2026, 10, 22), D(2026, 11, 3), terms=spans, days_off={D(2026, 11, 2)},
                                  holidays=set())
    assert got == [D(2026, 10, 22), D(2026, 10, 23), D(2026, 11, 3)]


def test_la_half_term_and_holidays_are_not_school_days(area):
    la, school, _ = area
    assert days(school, D(2026, 10, 19), D(2026, 11, 6)) == [
        D(2026, 10, 19), D(2026, 10, 20), D(2026, 10, 21), D(2026, 10, 22), D(2026, 10, 23),
        # 26-30 October: half term; 2 November: the school's INSET day
        D(2026, 11, 3), D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6)]
    assert days(school, D(2026, 12, 17), D(2027, 1, 6)) == [D(2026, 12, 17), D(2026, 12, 18), D(2027, 1, 5),
                                                            D(2027, 1, 6)]  # 4 January: INSET
    with scope(organisation=school):
        assert not is_school_day(school, D(2027, 5, 3))  # early May bank holiday, in term
        assert not is_school_day(school, D(2027, 3, 26))  # Good Friday: spring term ended the day before
        assert not is_school_day(school, D(2027, 4, 10))  # Saturday
        assert is_school_day(school, D(2027, 5, 4))


def test_the_demo_year_has_190_school_days(area):
    _, school, _ = area
    assert len(days(school, D(2026, 8, 1), D(2027, 7, 31))) == 190


def test_inset_days_are_per_school(area):
    la, school, academy = area
    other = OrganisationFactory(kind=K.SCHOOL, slug="cal-late-school", local_authority=la)  # after the demo load
    assert D(2026, 11, 2) not in days(school, D(2026, 11, 2), D(2026, 11, 2))
    assert days(other, D(2026, 11, 2), D(2026, 11, 2)) == [D(2026, 11, 2)]
    day_off(other, D(2026, 11, 4))
    assert days(other, D(2026, 11, 2), D(2026, 11, 4)) == [D(2026, 11, 2), D(2026, 11, 3)]
    assert D(2026, 11, 4) in days(school, D(2026, 11, 4), D(2026, 11, 4))


def test_a_school_with_its_own_term_dates_follows_them_for_that_year_only(area):
    la, school, academy = area
    term(academy, 2026, Term.AUTUMN, D(2026, 9, 3), D(2026, 12, 16), half=(D(2026, 10, 19), D(2026, 10, 23)))
    term(academy, 2026, Term.SPRING, D(2027, 1, 5), D(2027, 3, 25), half=(D(2027, 2, 15), D(2027, 2, 19)))
    term(academy, 2026, Term.SUMMER, D(2027, 4, 12), D(2027, 7, 20), half=(D(2027, 5, 31), D(2027, 6, 4)))
    day_off(la, D(2026, 10, 22), kind=DayKind.CLOSURE)  # an LA-wide closure in the LA's term time
    got = days(academy, D(2026, 10, 16), D(2026, 10, 30))
    assert got == [D(2026, 10, 16), D(2026, 10, 26), D(2026, 10, 27), D(2026, 10, 28), D(2026, 10, 29),
                   D(2026, 10, 30)]  # its own half term; the LA's half term is term time for it
    assert days(school, D(2026, 10, 22), D(2026, 10, 22)) == []  # the LA closure, for the LA's schools
    assert days(academy, D(2026, 12, 17), D(2026, 12, 18)) == []  # its term ends earlier
    # 2027/28: no own rows, so the LA's dates apply again
    term(la, 2027, Term.AUTUMN, D(2027, 9, 1), D(2027, 12, 17), half=(D(2027, 10, 25), D(2027, 10, 29)))
    assert days(academy, D(2027, 10, 22), D(2027, 11, 1)) == [D(2027, 10, 22), D(2027, 11, 1)]


def test_a_range_costs_two_queries_however_long(area):
    _, school, _ = area
    with scope(organisation=school):
        for start, end in ((D(2026, 11, 2), D(2026, 11, 2)), (D(2026, 8, 1), D(2027, 7, 31))):
            with CaptureQueriesContext(connection) as ctx:
                school_days(school, start, end)
            assert len(ctx.captured_queries) == 2


def test_the_school_day_of_an_instant_is_its_date_in_england(area):
    la, school, _ = area
    term(la, 2025, Term.SPRING, D(2026, 1, 5), D(2026, 4, 2))
    term(la, 2027, Term.AUTUMN, D(2027, 9, 1), D(2027, 12, 17))
    with scope(organisation=school):
        # Sunday 29 March 2026 23:30 UTC is Monday 00:30 BST: the Monday after the clocks went forward.
        assert is_school_day_at(school, dt.datetime(2026, 3, 29, 23, 30, tzinfo=dt.UTC))
        assert not is_school_day_at(school, dt.datetime(2026, 3, 29, 22, 30, tzinfo=dt.UTC))  # Sunday 23:30 BST
        # Sunday 31 October 2027 23:30 UTC is still Sunday (GMT again); Monday starts at 00:00 UTC.
        assert not is_school_day_at(school, dt.datetime(2027, 10, 31, 23, 30, tzinfo=dt.UTC))
        assert is_school_day_at(school, dt.datetime(2027, 11, 1, 0, 0, tzinfo=dt.UTC))
        # The week after each 2027 change, Monday to Friday, in term time for the LA above.
        assert school_days(school, D(2027, 11, 1), D(2027, 11, 7)) == [D(2027, 11, d) for d in range(1, 6)]


def test_provider_closures_and_the_provider_view_of_a_school_calendar(shared_provider_world):
    world = shared_provider_world
    provider, school_c, school_a = world.org(K.PROVIDER, "a"), world.org(K.SCHOOL, "c"), world.org(K.SCHOOL, "a")
    load_calendar_demo(world.org(K.LOCAL_AUTHORITY, "a"))
    day_off(provider, D(2026, 12, 4), kind=DayKind.CLOSURE)
    week = (D(2026, 11, 30), D(2026, 12, 4))
    assert days(school_c, *week) == [D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 2), D(2026, 12, 3),
                                     D(2026, 12, 4)]
    assert days(school_c, *week, provider=provider) == [D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 2),
                                                        D(2026, 12, 3)]
    assert provider_school_days(provider, school_c, *week) == days(school_c, *week, provider=provider)
    with pytest.raises(CalendarNotShared):
        provider_school_days(provider, school_a, *week)  # no placement with school a
    with pytest.raises(CalendarNotShared):
        provider_school_days(world.org(K.PROVIDER, "b"), school_c, *week)


def test_the_demo_loader_can_run_twice(area):
    la, school, academy = area
    load_calendar_demo(la)
    with scopes_disabled():
        assert TermDates.objects.filter(organisation=la, academic_year=2026).count() == 3
        assert NonTeachingDay.objects.filter(organisation=school).count() == 5
        assert NonTeachingDay.objects.filter(organisation=academy).count() == 5
    with pytest.raises(ValueError):
        load_calendar_demo(school)
