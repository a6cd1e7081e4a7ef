"""The trust, school and governors' report pages (issue 14 item 3): who sees which rows, which
pupil's figures a reader may see (names, a pupil's own cost), no pupil named in the governors' report
(page and PDF), and a query cost that does not grow with the number of placements."""

from __future__ import annotations

import copy
import datetime as dt
import io
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcommission import clock
from attendance.factories import register_with_sessions
from attendance.models import ExpectedSession, TermDates
from finance import api as finance_api
from placements.factories import PupilFactory, make_upn, placement_in_state
from placements.models import Placement, Pupil
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.conftest import WORLD_NOW

D = dt.date
NOW = WORLD_NOW  # Wednesday 25 November 2026, in the autumn term below


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def url(name, org, **kwargs):
    return reverse(f"oversight:{name}", kwargs={"org": org.slug, **kwargs})


def session(placement, day: dt.date, mark: str):
    with scopes_disabled():
        register = register_with_sessions(placements=[placement], starts_at=clock.london(day, dt.time(9)))
        ExpectedSession.objects.filter(register=register, placement=placement).update(
            mark=mark, absence_reason="ill" if mark == "absent" else "")


@pytest.fixture
def seeded(shared_provider_world):
    """LA a's autumn term; school a: PupilA at provider a (1 of 2 sessions attended, 6 hours) and
    "Endy Leaver", ended today NEET; school c (LA a, not in trust a): PupilC; school b: PupilB."""
    world = shared_provider_world
    with scopes_disabled():
        TermDates.objects.create(organisation=world.org(K.LOCAL_AUTHORITY), academic_year=2026, term="autumn",
                                 start_date=D(2026, 9, 2), end_date=D(2026, 12, 18), half_term_start=D(2026, 10, 26),
                                 half_term_end=D(2026, 10, 30))
    with clock.frozen(NOW):
        a = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active", now=NOW)
        leaver = PupilFactory(school=world.org(K.SCHOOL), first_name="Endy", last_name="Leaver")
        ended = placement_in_state(pupil=leaver, provider=world.org(K.PROVIDER), state="ended", now=NOW,
                                   destination="neet", end_reason="ceased_progress")
        b = placement_in_state(pupil=world.pupils["b"], provider=world.org(K.PROVIDER, "b"), state="active", now=NOW)
    session(a, D(2026, 11, 16), "present")
    session(a, D(2026, 11, 17), "absent")
    session(world.placements["c"], D(2026, 11, 16), "present")
    session(b, D(2026, 11, 16), "present")
    with clock.frozen(NOW):
        yield world, {"a": a, "ended": ended, "b": b}


@pytest.fixture
def spend(monkeypatch):
    """Authorised spend as finance.api will give it: £450 for each placement asked about."""
    asked = {}

    def fake(placement_ids, *, start, end):
        asked["period"] = (start, end)
        return {pk: Decimal("450.00") for pk in placement_ids}

    monkeypatch.setattr(finance_api, "spend_by_placement", fake)
    return asked


def test_the_trust_sees_its_schools_only_each_linking_to_its_report(seeded, login):
    world, _ = seeded
    client = login(world.user(K.TRUST, Role.TRUST_EXECUTIVE))
    page = soup(client.get(url("trust_report", world.org(K.TRUST))))
    rows = [" ".join(tr.get_text(" ").split()) for tr in page.select('[data-testid="schools"] tbody tr')]
    assert rows == ["School A : its report 2 50.0% No authorised invoices Not known Not known"]
    link = page.select_one('[data-testid="schools"] a')["href"]
    assert link == url("trust_school_report", world.org(K.TRUST), pk=world.org(K.SCHOOL).pk) + "?period=2026-autumn"
    body = text(client.get(url("trust_report", world.org(K.TRUST))))
    assert "Autumn term 2026/27" in body and "School C" not in body and "School B" not in body
    assert "PupilA" not in body and "Leaver" not in body  # the trust's page: figures, no pupil
    assert page.select_one("title").get_text().startswith("Alternative provision across Trust A, Autumn term 2026/27")
    school = soup(client.get(link))
    names = {tr.th.get_text(" ", strip=True) for tr in school.select('[data-testid="pupils"] tbody tr')}
    assert names == {f"{world.pupils['a'].first_name} {world.pupils['a'].last_name}", "Endy Leaver"}
    assert "PupilC" not in text(client.get(link))
    other = client.get(url("trust_school_report", world.org(K.TRUST), pk=world.org(K.SCHOOL, "c").pk))
    assert other.status_code == 404  # school c is in LA a but not in the trust
    trust_b = login(world.user(K.TRUST, Role.TRUST_EXECUTIVE, "b"))
    rows_b = soup(trust_b.get(url("trust_report", world.org(K.TRUST, "b")))).select('[data-testid="schools"] tbody th')
    assert [th.get_text(" ", strip=True) for th in rows_b] == ["School B : its report"]


def test_a_trust_reads_aggregate_costs_but_never_a_pupils_own(seeded, login, spend):
    world, placements = seeded
    client = login(world.user(K.TRUST, Role.TRUST_EXECUTIVE))
    page = soup(client.get(url("trust_school_report", world.org(K.TRUST), pk=world.org(K.SCHOOL).pk)))
    headers = [th.get_text(strip=True) for th in page.select('[data-testid="pupils"] thead th')]
    assert "Cost" not in headers
    summary = " ".join(page.select_one('[data-testid="summary"]').get_text(" ").split())
    assert "£900 for 2 placements" in summary and "Cost per placement £450" in summary
    assert "Cost per attended hour £300" in summary  # £900 over the one attended 3-hour session
    assert spend["period"] == (D(2026, 9, 2), D(2026, 12, 18))
    trust = soup(client.get(url("trust_report", world.org(K.TRUST))))
    row = " ".join(trust.select_one('[data-testid="schools"] tbody tr').get_text(" ").split())
    assert row.endswith("£900 £450 £300")


def test_the_headteacher_reads_each_pupils_cost_and_sees_the_charts(seeded, login, spend):
    world, _ = seeded
    client = login(world.user(K.SCHOOL, Role.HEADTEACHER))
    page = soup(client.get(url("school_report", world.org(K.SCHOOL))))
    rows = {tr.th.get_text(" ", strip=True): " ".join(tr.get_text(" ").split())
            for tr in page.select('[data-testid="pupils"] tbody tr')}
    pupil = world.pupils["a"]
    assert rows[f"{pupil.first_name} {pupil.last_name}"].endswith("Still in placement 2.1 50.0% £450")
    assert rows["Endy Leaver"].endswith("Not in education, employment or training (NEET) 2.1 No sessions £450")
    assert set(rows) == {f"{pupil.first_name} {pupil.last_name}", "Endy Leaver"}  # not school b's, nor c's
    charts = {svg.find("title").get_text(): svg for svg in page.select('svg[data-testid="chart"]')}
    assert set(charts) == {"Attendance week by week at School A", "Outcomes by destination", "Spend by provider"}
    assert all(svg["role"] == "img" for svg in charts.values())
    assert "1 placement ended in the period: Not in education, employment or training (NEET) 1." in text(
        client.get(url("school_report", world.org(K.SCHOOL))))
    spend_rows = [" ".join(tr.get_text(" ").split()) for tr in page.select('[data-testid="spend"] tbody tr')]
    assert spend_rows == ["Provider A 2 £450 £300 £900"]
    by_code = [" ".join(tr.get_text(" ").split()) for tr in page.select('[data-testid="end-reasons"] tbody tr')]
    assert by_code == ["Ceased: lack of progress 1"]


def test_a_half_term_is_chosen_from_the_calendar(seeded, login):
    world, _ = seeded
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    page = soup(client.get(url("school_report", world.org(K.SCHOOL)) + "?period=2026-autumn-1"))
    assert page.select_one("#period option[selected]")["value"] == "2026-autumn-1"
    assert [o["value"] for o in page.select("#period option")] == ["2026", "2026-autumn", "2026-autumn-1",
                                                                   "2026-autumn-2"]
    summary = " ".join(page.select_one('[data-testid="summary"]').get_text(" ").split())
    assert "Placements in the period 0" in summary  # both placements started in November


def test_the_governors_report_names_no_pupil_on_the_page_or_in_the_pdf(seeded, login, spend):
    from pypdf import PdfReader

    world, _ = seeded
    pupil = world.pupils["a"]
    client = login(world.user(K.SCHOOL, Role.HEADTEACHER))
    page = client.get(url("governors_report", world.org(K.SCHOOL)))
    body = text(page)
    assert "Report for governors: School A" in body and "£900" in body
    response = client.get(url("governors_report_pdf", world.org(K.SCHOOL)))
    assert response["Content-Type"] == "application/pdf"
    pdf = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Report for governors: School A" in pdf and "£900" in pdf and "NEET" in pdf
    for name in (pupil.first_name, pupil.last_name, pupil.upn, "Endy", "Leaver"):
        assert name not in body and name not in pdf


def test_reports_are_in_the_navigation_of_the_trust_and_the_schools_leaders(seeded, login):
    world, _ = seeded
    for kind, role, name in ((K.TRUST, Role.TRUST_EXECUTIVE, "trust_report"),
                             (K.SCHOOL, Role.HEADTEACHER, "school_report")):
        page = soup(login(world.user(kind, role)).get(url(name, world.org(kind))))
        current = page.select_one('.govuk-service-navigation__item--active a, [aria-current="page"]')
        assert current is not None and current.get_text(strip=True) == "Reports"
    dsl = soup(login(world.user(K.SCHOOL, Role.DSL)).get(reverse("dashboard", kwargs={"org": "school-a"})))
    assert "Reports" not in [a.get_text(strip=True) for a in dsl.select("nav a")]


def _add_placements(world, count: int) -> None:
    """`count` more placements like PupilA's at school a, each with a pupil and one attended session."""
    with scopes_disabled():
        base = Placement.objects.get(pupil=world.pupils["a"])
        base_session = ExpectedSession.objects.filter(placement=base).first()
        start = Pupil.objects.count()
        pupils = PupilFactory.build_batch(count, school=world.org(K.SCHOOL))
        for i, pupil in enumerate(pupils):
            pupil.upn = make_upn(700000 + start + i)
        Pupil.objects.bulk_create(pupils)
        clones = []
        for pupil in pupils:
            clone = copy.copy(base)
            clone.pk = clone.id = None
            clone.pupil = pupil
            clones.append(clone)
        Placement.objects.bulk_create(clones)
        sessions = []
        for clone in clones:
            s = copy.copy(base_session)
            s.pk = s.id = None
            s.placement, s.pupil_id = clone, clone.pupil_id
            sessions.append(s)
        ExpectedSession.objects.bulk_create(sessions)


@pytest.mark.parametrize(("kind", "role", "name"), [(K.TRUST, Role.TRUST_EXECUTIVE, "trust_report"),
                                                    (K.SCHOOL, Role.HEADTEACHER, "school_report"),
                                                    (K.SCHOOL, Role.HEADTEACHER, "governors_report")])
def test_a_report_costs_the_same_queries_at_10_and_1000_placements(seeded, login, spend, kind, role, name):
    world, _ = seeded
    client = login(world.user(kind, role))
    target = url(name, world.org(kind))
    _add_placements(world, 8)
    client.get(target)
    with CaptureQueriesContext(connection) as at_10:
        assert client.get(target).status_code == 200
    _add_placements(world, 990)
    with CaptureQueriesContext(connection) as at_1000:
        page = client.get(target)
    assert page.status_code == 200 and len(at_1000) == len(at_10)
    assert "1000 placements" in text(page) or "Placements in the period 1000" in text(page)
