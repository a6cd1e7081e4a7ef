"""Who reads which calendar rows: an LA and its schools the LA's dates; a school its own overrides;
nobody another LA's or another school's; a provider none of a school's rows (dates only, through
attendance.calendar.provider_school_days)."""

from __future__ import annotations

import datetime as dt

import pytest

from attendance.models import DayKind, NonTeachingDay, Term, TermDates
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import ScopeError, scope, scopes_disabled

D = dt.date


@pytest.fixture
def calendars(shared_provider_world):
    world = shared_provider_world
    rows = {}
    with scopes_disabled():
        for key, org in {"la_a": world.org(K.LOCAL_AUTHORITY, "a"), "la_b": world.org(K.LOCAL_AUTHORITY, "b"),
                         "school_a": world.org(K.SCHOOL, "a"), "school_b": world.org(K.SCHOOL, "b"),
                         "school_c": world.org(K.SCHOOL, "c")}.items():
            rows[key] = (TermDates.objects.create(organisation=org, academic_year=2026, term=Term.AUTUMN,
                                                  start_date=D(2026, 9, 1), end_date=D(2026, 12, 18)),
                         NonTeachingDay.objects.create(organisation=org, date=D(2026, 11, 2), kind=DayKind.INSET))
        for side in ("a", "b"):
            provider = world.org(K.PROVIDER, side)
            rows[f"provider_{side}"] = (None, NonTeachingDay.objects.create(organisation=provider,
                                                                            date=D(2026, 12, 4), kind=DayKind.CLOSURE))
    return world, rows


def visible(org, model):
    with scope(organisation=org):
        return set(model.objects.values_list("pk", flat=True))


def ids(rows, keys, index):
    return {rows[k][index].pk for k in keys}


@pytest.mark.parametrize(("kind", "side", "terms", "days"), [
    (K.LOCAL_AUTHORITY, "a", {"la_a", "school_a", "school_c"}, {"la_a", "school_a", "school_c"}),
    (K.LOCAL_AUTHORITY, "b", {"la_b", "school_b"}, {"la_b", "school_b"}),
    (K.SCHOOL, "a", {"la_a", "school_a"}, {"la_a", "school_a"}),  # no placement: provider a's closure unseen
    (K.SCHOOL, "c", {"la_a", "school_c"}, {"la_a", "school_c", "provider_a"}),
    (K.SCHOOL, "b", {"la_b", "school_b"}, {"la_b", "school_b"}),
    (K.TRUST, "a", {"la_a", "school_a"}, {"la_a", "school_a"}),
    (K.PROVIDER, "a", set(), {"provider_a"}),
    (K.PROVIDER, "b", set(), {"provider_b"}),
])
def test_each_organisation_reads_only_its_calendar_rows(calendars, kind, side, terms, days):
    world, rows = calendars
    org = world.org(kind, side)
    assert visible(org, TermDates) == ids(rows, terms, 0)
    assert visible(org, NonTeachingDay) == ids(rows, days, 1)


def test_a_provider_cannot_list_the_calendar_rows_of_a_school_it_works_with(calendars):
    world, rows = calendars
    provider = world.org(K.PROVIDER, "a")
    with scope(organisation=provider):
        assert not TermDates.objects.filter(organisation=world.org(K.SCHOOL, "c")).exists()
        assert not NonTeachingDay.objects.filter(organisation=world.org(K.SCHOOL, "c")).exists()


def test_calendar_rows_are_not_read_outside_a_scope(calendars):
    with pytest.raises(ScopeError):
        list(TermDates.objects.all())
    with pytest.raises(ScopeError):
        list(NonTeachingDay.objects.all())
