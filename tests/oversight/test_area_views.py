"""The LA's children-in-AP view (issue 14 item 2): who appears, the figures each row shows, the
filters, the sort, the counts and the query count. Exports: test_area_export.py."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcommission import clock
from placements.models import Placement
from placements.models.choices import State
from providers.models import ListingStatus, ProviderListing, ProviderProfile, RegistrationStatus
from tenancy.factories import OrganisationFactory
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

from .test_area_support import HALF_TERM_START, NOW, add_children, sessions, window


def _url(world, **query):
    url = reverse("oversight:area_list", kwargs={"org": world.org(K.LOCAL_AUTHORITY).slug})
    if query:
        from urllib.parse import urlencode
        url += "?" + urlencode(query)
    return url


def _get(client, world, role=Role.AP_OFFICER, **query):
    with clock.frozen(NOW):
        response = client.get(_url(world, **query))
    assert response.status_code == 200, response.status_code
    return response


def _rows(response) -> list[list[str]]:
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return [[" ".join(td.get_text(" ").split()) for td in tr.select("td")]
            for tr in soup.select('[data-testid="area-row"]')]


def _names(response) -> list[str]:
    return [row[0].split(" UPN")[0] for row in _rows(response)]


@pytest.fixture
def officer(world, login):
    return login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))


def test_every_child_in_ap_in_the_area_whichever_school_and_no_other_las(shared_provider_world, login):
    world = shared_provider_world
    la_b_school, la_b_provider = world.org(K.SCHOOL, "b"), world.org(K.PROVIDER, "b")
    add_children(world.org(K.SCHOOL, "a"), world.org(K.PROVIDER, "a"), 1, last_name="Aschool")
    add_children(world.org(K.SCHOOL, "a"), world.org(K.PROVIDER, "b"), 1, last_name="Elsewhere")  # provider in LA b
    add_children(world.org(K.SCHOOL, "a"), world.org(K.PROVIDER, "a"), 1, last_name="Drafted", state=State.DRAFT)
    add_children(world.org(K.SCHOOL, "a"), world.org(K.PROVIDER, "a"), 1, last_name="Finished", state=State.ENDED)
    add_children(la_b_school, la_b_provider, 1, last_name="Otherla")
    client = login(world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER))
    response = _get(client, world)
    names = _names(response)
    assert len(names) == 3
    assert any(n.startswith("Aschool,") for n in names) and any(n.startswith("Elsewhere,") for n in names)
    assert any("PupilC" in n for n in names), "school c (same LA, another school) commissioned it"
    body = response.content.decode()
    assert "Otherla" not in body and "Drafted" not in body and "Finished" not in body and "School B" not in body
    # LA b sees its own child only.
    client_b = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER, "b"))
    with clock.frozen(NOW):
        body_b = client_b.get(reverse("oversight:area_list", kwargs={"org": "la-b"})).content.decode()
    assert "Otherla" in body_b and "Aschool" not in body_b and "PupilC" not in body_b


def test_a_row_shows_the_placement_figures(world, officer):
    placement, = add_children(world.org(K.SCHOOL), world.org(K.PROVIDER), 1, last_name="Figures",
                              start=dt.date(2026, 10, 5), part_time=True)
    window(placement, HALF_TERM_START, dt.date(2026, 12, 18))
    window(placement, dt.date(2026, 9, 3), dt.date(2026, 10, 23))  # ended, no visit: overdue
    # Before this half term: not counted. This half term: 7 present/late of 9 expected, 1 not received.
    sessions(placement, ["absent", "absent"], first=dt.date(2026, 10, 12))
    sessions(placement, ["present"] * 5 + ["late", "present", "absent", ""])
    with scopes_disabled():
        ProviderProfile.objects.update_or_create(provider=world.org(K.PROVIDER),
                                                 defaults={"registration_status": RegistrationStatus.REGISTERED,
                                                           "dfe_urn": "123456"})
        ProviderListing.objects.filter(provider=world.org(K.PROVIDER)).update(status=ListingStatus.APPROVED)
        Placement.objects.filter(pk=placement.pk).update(state=State.EMERGENCY_REVIEW)
    row, = _rows(_get(officer, world))
    pupil, school, provider, hours, weeks, attendance, visits, registers, review = row
    assert pupil.startswith("Figures, Child0") and "UPN" in pupil and "Year 10" in pupil
    assert school.startswith("School A") and "Code B" in school
    assert "Provider A" in provider and "Registered school" in provider and "Approved" in provider
    assert "15" in hours and "Part-time" in hours
    assert weeks == "7"  # 5 October to 25 November
    assert attendance.startswith("77.8%") and "7 of 9" in attendance and "Below 90%" in attendance
    assert visits == "1" and registers == "1" and review == "Yes"


def test_no_window_yet_reads_the_las_half_term(world, officer):
    from attendance.models import TermDates

    placement, = add_children(world.org(K.SCHOOL), world.org(K.PROVIDER), 1)
    sessions(placement, ["absent"], first=dt.date(2026, 10, 20))  # first half term
    sessions(placement, ["present"])
    with scopes_disabled():
        TermDates.objects.create(organisation=world.org(K.LOCAL_AUTHORITY), academic_year=2026, term="autumn",
                                 start_date=dt.date(2026, 9, 3), end_date=dt.date(2026, 12, 18),
                                 half_term_start=dt.date(2026, 10, 26), half_term_end=dt.date(2026, 10, 30))
    row, = _rows(_get(officer, world))
    assert row[5].startswith("100.0%") and "1 of 1" in row[5]


def _filter_world(world):
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    other_school = OrganisationFactory(kind=K.SCHOOL, slug="school-a3", name="School A3",
                                       local_authority=world.org(K.LOCAL_AUTHORITY))
    other_provider = OrganisationFactory(kind=K.PROVIDER, slug="provider-a3", name="Provider A3")
    low, = add_children(school, provider, 1, last_name="Lowattend")
    sessions(low, ["present", "absent", "absent"])
    window(low, HALF_TERM_START, dt.date(2026, 12, 18))
    good, = add_children(school, provider, 1, last_name="Goodattend", part_time=True)
    sessions(good, ["present"] * 3)
    window(good, HALF_TERM_START, dt.date(2026, 12, 18))
    late, = add_children(other_school, other_provider, 1, last_name="Overdue", registration_code="K")
    window(late, dt.date(2026, 9, 3), dt.date(2026, 10, 23))
    review, = add_children(other_school, provider, 1, last_name="Review", state=State.EMERGENCY_REVIEW)
    return {"school": other_school, "provider": other_provider, "upn": good.pupil.upn}


@pytest.mark.parametrize(("query", "expected"), [
    ({}, {"Goodattend", "Lowattend", "Overdue", "Review"}),
    ({"part_time": "on"}, {"Goodattend"}),
    ({"below": "on"}, {"Lowattend"}),
    ({"below": "on", "threshold": "30"}, set()),
    ({"overdue_visit": "on"}, {"Overdue"}),
    ({"emergency_review": "on"}, {"Review"}),
    ({"registration": "K"}, {"Overdue"}),
    ({"school": "school"}, {"Overdue", "Review"}),
    ({"provider": "provider"}, {"Overdue"}),
    ({"approval": "unlisted"}, {"Overdue"}),
    ({"approval": "listed"}, {"Goodattend", "Lowattend", "Review"}),
    ({"q": "lowatt"}, {"Lowattend"}),
    ({"q": "upn"}, {"Goodattend"}),
])
def test_filters_narrow_the_rows(world, officer, query, expected):
    made = _filter_world(world)
    values = {k: (str(made[v].pk) if k in ("school", "provider") else made[v].lower() if v == "upn" else v)
              for k, v in query.items()}
    response = _get(officer, world, **values)
    assert {n.split(",")[0] for n in _names(response)} == expected
    total = BeautifulSoup(response.content.decode(), "html.parser").select_one("[data-total]")["data-total"]
    assert int(total) == len(expected)


def test_sortable_headers_sort_and_say_so(world, officer):
    _filter_world(world)
    response = _get(officer, world, sort="attendance", order="desc")
    assert [n.split(",")[0] for n in _names(response)][:2] == ["Goodattend", "Lowattend"]
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    sorted_by = soup.select('th[aria-sort="descending"]')
    assert [th.get_text(" ", strip=True) for th in sorted_by] == ["Attendance this half term ▼"]
    link = sorted_by[0].select_one("a")["href"]
    assert "sort=attendance" in link and "order=asc" in link
    assert len(soup.select('th[aria-sort="none"]')) == 7
    by_school = _names(_get(officer, world, sort="school"))
    assert [n.split(",")[0] for n in by_school][:2] == ["Goodattend", "Lowattend"]  # School A before School A3


def test_counts_by_school_provider_and_registration_code_follow_the_filter(world, officer):
    _filter_world(world)
    soup = BeautifulSoup(_get(officer, world).content.decode(), "html.parser")

    def table(testid):
        return [[" ".join(c.get_text(" ").split()) for c in tr.select("td")]
                for tr in soup.select(f'[data-testid="{testid}"] tbody tr')]

    assert table("count-school") == [["School A", "2"], ["School A3", "2"]]
    assert table("count-provider") == [["Provider A", "3"], ["Provider A3", "1"]]
    assert [row[1] for row in table("count-registration")] == ["3", "1"]
    soup = BeautifulSoup(_get(officer, world, part_time="on").content.decode(), "html.parser")
    assert table("count-school") == [["School A", "1"]]


def test_query_count_is_flat_from_10_to_1000_children(world, officer):
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    add_children(school, provider, 10)
    officer.get(_url(world))  # warm up (session, caches)
    with clock.frozen(NOW), CaptureQueriesContext(connection) as small:
        assert officer.get(_url(world, sort="attendance", order="desc", approval="listed")).status_code == 200
    add_children(school, provider, 990)
    with clock.frozen(NOW), CaptureQueriesContext(connection) as large:
        response = officer.get(_url(world, sort="attendance", order="desc", approval="listed"))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(_rows(response)) == 50


def test_the_page_reads_no_special_category_or_referral_table(shared_provider_world, login):
    client = login(shared_provider_world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    with CaptureQueriesContext(connection) as ctx:
        _get(client, shared_provider_world)
    sql = " ".join(q["sql"] for q in ctx.captured_queries).lower()
    for table in ("pupilsensitive", "placements_referral", "otheragency", "parentcarer", "safeguarding_"):
        assert table not in sql, table


def test_the_nav_and_dashboard_lead_to_the_oversight_view(world, officer):
    url = _url(world)
    with clock.frozen(NOW):
        home = officer.get(reverse("dashboard", kwargs={"org": "la-a"})).content.decode()
    assert f'href="{url}"' in home
