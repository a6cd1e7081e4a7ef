"""Exam entry pages (issue 14 item 5): what each role reads (access arrangements only to the roles
the visibility table gives them; another school's pupil never listed), the record / answer / result
forms with GOV.UK errors, the dashboard panel, and the list's queries flat from 10 to 1,000 entries."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcommission import clock
from bench.dashboard import signed_in_client
from exams.factories import exam_entry
from exams.models import EntryState, ExamEntry
from placements.factories import placement_in_state
from placements.models import State
from tenancy.roles import ROLE_CAPABILITIES, ROLE_KINDS, Capability, Role
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scopes_disabled
from tenancy.visibility import DataGroup, can_read
from tests.conftest import WORLD_NOW
from tests.dashboards.conftest import read_dashboard

from .bulk import add_placements

NOW = WORLD_NOW
ACCESS = "SENTINEL-ACCESS 25% extra time"


@pytest.fixture
def placed(shared_provider_world):
    world = shared_provider_world
    world.placements["a"] = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER),
                                               state=State.ACTIVE, now=NOW)
    return world


def url(name, org, **kwargs):
    return reverse(f"exams:{name}", kwargs={"org": org.slug, **kwargs})


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content.decode(), "html.parser").get_text().split())


def _readers():
    for kind in (K.SCHOOL, K.PROVIDER, K.TRUST):
        for role in sorted(ROLE_KINDS[kind]):
            if Capability.VIEW_PUPILS in ROLE_CAPABILITIES[role]:
                yield kind, role


@pytest.mark.parametrize(("kind", "role"), list(_readers()))
def test_access_arrangements_only_for_their_readers(placed, login, kind, role):
    entry = exam_entry(placed.placements["a"], now=NOW, access_arrangements=ACCESS, first_exam_on=dt.date(2026, 12, 7))
    client = login(placed.user(kind, role))
    with clock.frozen(NOW):
        page = client.get(url("entry_detail", placed.org(kind), pk=entry.pk))
    assert page.status_code == 200
    assert "GCSE Mathematics" in text(page)
    assert (ACCESS in text(page)) == can_read(role, DataGroup.ACCESS_ARRANGEMENTS)
    # names the pupil only to the roles that read identity
    assert ("PupilA" in text(page)) == can_read(role, DataGroup.IDENTITY)


def test_roles_without_pupils_or_another_side_reach_nothing(placed, login):
    entry = exam_entry(placed.placements["a"], now=NOW, access_arrangements=ACCESS)
    assert login(placed.user(K.SCHOOL, Role.FINANCE)).get(
        url("entry_detail", placed.org(K.SCHOOL), pk=entry.pk)).status_code == 403
    assert login(placed.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER)).get(
        url("entry_list", placed.org(K.LOCAL_AUTHORITY))).status_code == 403
    assert login(placed.user(K.SCHOOL, Role.EXAMS_OFFICER, "c")).get(
        url("entry_detail", placed.org(K.SCHOOL, "c"), pk=entry.pk)).status_code == 404


@pytest.mark.parametrize(("kind", "role"), [(K.SCHOOL, Role.EXAMS_OFFICER), (K.TRUST, Role.TRUST_EXECUTIVE)])
def test_lists_never_show_another_schools_pupil(placed, login, kind, role):
    exam_entry(placed.placements["a"], now=NOW, first_exam_on=dt.date(2026, 12, 7))
    exam_entry(placed.placements["c"], now=NOW, qualification="SENTINEL-OTHER-QUAL", first_exam_on=dt.date(2026, 12, 8))
    with clock.frozen(NOW):
        page = text(login(placed.user(kind, role)).get(url("entry_list", placed.org(kind))))
    assert "GCSE Mathematics" in page and "PupilA" in page
    assert "PupilC" not in page and "SENTINEL-OTHER-QUAL" not in page


def test_choosing_the_pupil_lists_only_the_schools_own(placed, login):
    client = login(placed.user(K.SCHOOL, Role.EXAMS_OFFICER))
    page = client.get(url("entry_choose", placed.org(K.SCHOOL)))
    links = [(" ".join(a.get_text().split()), a["href"]) for a in
             BeautifulSoup(page.content.decode(), "html.parser").select('[data-testid="placements"] a')]
    assert links == [(f"PupilA {placed.pupils['a'].last_name}",
                      url("entry_create", placed.org(K.SCHOOL), pk=placed.placements["a"].pk))]


def test_provider_lists_both_schools_by_date(placed, login):
    exam_entry(placed.placements["a"], now=NOW, first_exam_on=dt.date(2026, 12, 9))
    exam_entry(placed.placements["c"], now=NOW, qualification="BTEC Sport", first_exam_on=dt.date(2026, 12, 8))
    with clock.frozen(NOW):
        page = login(placed.user(K.PROVIDER, Role.PROVIDER_MANAGER)).get(url("entry_list", placed.org(K.PROVIDER)))
    rows = [" ".join(tr.get_text().split()) for tr in
            BeautifulSoup(page.content.decode(), "html.parser").select('[data-testid="entries"] tbody tr')]
    assert [("BTEC Sport" in r, "GCSE Mathematics" in r) for r in rows] == [(True, False), (False, True)]
    assert "School C" in rows[0] and "School A" in rows[1]


def test_school_records_provider_confirms_school_records_result(placed, login):
    school, provider = placed.org(K.SCHOOL), placed.org(K.PROVIDER)
    officer = login(placed.user(K.SCHOOL, Role.EXAMS_OFFICER))
    create = url("entry_create", school, pk=placed.placements["a"].pk)
    refused = officer.post(create, {"qualification": "GCSE Mathematics", "awarding_body": "AQA", "series": "June 2027",
                                    "first_exam_on_0": "10", "first_exam_on_1": "6", "first_exam_on_2": "2027",
                                    "venue": "other", "venue_address": ""})
    assert refused.status_code == 400
    assert "Enter the address of the exam venue" in text(refused)
    done = officer.post(create, {"qualification": "GCSE Mathematics", "awarding_body": "AQA", "series": "June 2027",
                                 "first_exam_on_0": "10", "first_exam_on_1": "6", "first_exam_on_2": "2027",
                                 "venue": "provider", "access_arrangements": ACCESS})
    assert done.status_code == 302
    with scopes_disabled():
        entry = ExamEntry.objects.get()
    manager = login(placed.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    answer = url("entry_answer", provider, pk=entry.pk)
    refused = manager.post(answer, {"answer": "cannot", "reason": ""})
    assert refused.status_code == 400 and "Enter why you cannot confirm this entry" in text(refused)
    assert manager.post(answer, {"answer": "confirm"}).status_code == 302
    officer = login(placed.user(K.SCHOOL, Role.EXAMS_OFFICER))
    detail = text(officer.get(url("entry_detail", school, pk=entry.pk)))
    assert "Confirmed" in detail and "Record the result" in detail
    assert officer.post(url("entry_result", school, pk=entry.pk),
                        {"grade": "7", "result_on_0": "20", "result_on_1": "8", "result_on_2": "2027"}).status_code == 302
    with scopes_disabled():
        entry.refresh_from_db()
    assert (entry.state, entry.grade, entry.result_on) == (EntryState.CONFIRMED, "7", dt.date(2027, 8, 20))
    # the provider may no longer answer, the school no longer change it
    assert "Change the entry" not in text(officer.get(url("entry_detail", school, pk=entry.pk)))


def test_dashboards_show_exams_in_the_next_four_weeks(placed, login):
    soon = exam_entry(placed.placements["a"], now=NOW, first_exam_on=dt.date(2026, 12, 10))
    exam_entry(placed.placements["a"], now=NOW, qualification="GCSE Later", first_exam_on=dt.date(2027, 6, 10),
               answer="cannot", reason="No room")
    with clock.frozen(NOW):
        provider = read_dashboard(login(placed.user(K.PROVIDER, Role.PROVIDER_MANAGER)),
                                  placed.member(K.PROVIDER, Role.PROVIDER_MANAGER))
        school = read_dashboard(login(placed.user(K.SCHOOL, Role.EXAMS_OFFICER)),
                                placed.member(K.SCHOOL, Role.EXAMS_OFFICER))
    assert (f"Confirm the exam entry GCSE Mathematics for PupilA {placed.pupils['a'].last_name} from School A",
            url("entry_answer", placed.org(K.PROVIDER), pk=soon.pk)) in provider.attention
    assert "First exam 10 December 2026" in provider.html
    texts = [t for t, _ in school.attention]
    assert any(t.startswith("GCSE Mathematics for PupilA") for t in texts)
    assert any(t.startswith("Provider A cannot take the exam entry GCSE Later") for t in texts)


def _queries(client, path) -> int:
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_list_queries_flat_from_10_to_1000_entries(placed):
    school, provider = placed.org(K.SCHOOL), placed.org(K.PROVIDER)

    def add(count):
        placements = add_placements(school, provider, count)
        with scopes_disabled():
            ExamEntry.objects.bulk_create(
                [ExamEntry(placement=p, school=school, provider=provider, qualification="GCSE Art", awarding_body="OCR",
                           series="June 2027", first_exam_on=dt.date(2027, 6, 1), venue="school", created_at=NOW)
                 for p in placements], batch_size=500)

    add(10)
    paths = {url("entry_list", school) + "?show=all": signed_in_client(placed.user(K.SCHOOL, Role.EXAMS_OFFICER)),
             url("entry_choose", school): signed_in_client(placed.user(K.SCHOOL, Role.AP_LEAD)),
             url("entry_list", provider): signed_in_client(placed.user(K.PROVIDER, Role.PROVIDER_MANAGER))}
    with clock.frozen(NOW):
        at_10 = {p: _queries(c, p) for p, c in paths.items()}
        add(990)
        at_1000 = {p: _queries(c, p) for p, c in paths.items()}
    assert at_1000 == at_10
