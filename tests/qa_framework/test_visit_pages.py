"""QA visit pages through the test client: the LA officer's journey (schedule, start, the first
page, a page per theme, the task list, completing with the suggested or another outcome), refusals
in the error summary, who reads the report (sentinels), and the list's query budget."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qa_framework import visits
from qa_framework.factories import framework_version, qa_visit_in_state
from qa_framework.models import Judgement, Outcome, QAVisit, VisitState
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


SENTINEL = "Sentinel-evidence-7Q"


def url(org, name, **kw):
    from django.urls import reverse

    return reverse(f"qa_framework:{name}", kwargs={"org": org.slug, **kw})


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def summary_errors(response) -> list[str]:
    return [" ".join(li.get_text(" ").split()) for li in soup(response).select(".govuk-error-summary li")]


def standards(visit):
    with scopes_disabled():
        return {s.code: s for s in visits.visit_standards(visit)}


def test_the_officer_records_a_visit_from_schedule_to_completion(world, la, provider, officer, version, login,
                                                                 frozen_now):
    client = login(officer)
    response = client.post(url(la, "visit_schedule"), {
        "provider": provider.pk, "framework": version.framework.pk, "scheduled_for_0": "1",
        "scheduled_for_1": "12", "scheduled_for_2": "2026", "owner_representative": officer.pk,
        "provider_representative": "Centre manager"})
    assert response.status_code == 302
    with scopes_disabled():
        visit = QAVisit.objects.get()
    assert client.post(url(la, "visit_start", pk=visit.pk)).status_code == 302
    codes = standards(visit)
    response = client.post(url(la, "visit_overview", pk=visit.pk), {
        "overview": "Workshop", "placement_lengths": "Part time", "courses": "Motor vehicle: Level 1",
        "contact_details": "1 High Street", "dsl": "Dee Lead"})
    assert response.headers["Location"] == url(la, "visit_theme", pk=visit.pk, number=1)
    # Theme 1, half answered, "Save and come back later": saved, back to the task list.
    response = client.post(url(la, "visit_theme", pk=visit.pk, number=1), {
        f"level_{codes['1a'].pk}": "fully", f"evidence_{codes['1a'].pk}": SENTINEL, "comment": "Good culture",
        "later": "Save and come back later"})
    assert response.headers["Location"] == url(la, "visit_detail", pk=visit.pk)
    tasks = soup(client.get(url(la, "visit_detail", pk=visit.pk))).select_one("[data-testid=tasks]").get_text(" ")
    assert "1 of 2 standards judged" in " ".join(tasks.split()) and "In progress" in tasks
    # The complete page names what is missing; completing refuses, naming each standard.
    page = client.get(url(la, "visit_complete", pk=visit.pk))
    assert [li.get_text() for li in soup(page).select("[data-testid=missing] li")] == [
        "Standard 1b", "Standard 2a", "Standard 2f"]
    response = client.post(url(la, "visit_complete", pk=visit.pk), {"outcome": Outcome.APPROVED})
    assert response.status_code == 400
    assert summary_errors(response) == ["Judge standard 1b", "Judge standard 2a", "Judge standard 2f"]
    # The rest, "Save and continue" through both themes.
    response = client.post(url(la, "visit_theme", pk=visit.pk, number=1), {
        f"level_{codes['1a'].pk}": "fully", f"evidence_{codes['1a'].pk}": SENTINEL,
        f"level_{codes['1b'].pk}": "partially", "comment": "Good culture"})
    assert response.headers["Location"] == url(la, "visit_theme", pk=visit.pk, number=2)
    response = client.post(url(la, "visit_theme", pk=visit.pk, number=2), {
        f"level_{codes['2a'].pk}": "fully", f"level_{codes['2f'].pk}": "fully"})
    assert response.headers["Location"] == url(la, "visit_detail", pk=visit.pk)
    page = client.get(url(la, "visit_complete", pk=visit.pk))
    assert "Met most standards" in soup(page).select_one("[data-testid=suggested-outcome]").get_text()
    assert soup(page).select_one("input[name=outcome][checked]")["value"] == Outcome.APPROVED_WITH_CONDITIONS
    # Another outcome needs a reason.
    response = client.post(url(la, "visit_complete", pk=visit.pk), {"outcome": Outcome.APPROVED})
    assert response.status_code == 400
    assert summary_errors(response) == ["Enter why the outcome differs from the suggested outcome"]
    response = client.post(url(la, "visit_complete", pk=visit.pk),
                           {"outcome": Outcome.APPROVED, "outcome_reason": "Policy updated on the day"})
    assert response.headers["Location"] == url(la, "visit_report", pk=visit.pk)
    report = client.get(response.headers["Location"])
    assert SENTINEL in report.content.decode() and "Policy updated on the day" in report.content.decode()
    with scopes_disabled():
        visit.refresh_from_db()
    assert (visit.state, visit.outcome, visit.suggested_outcome) == (
        VisitState.COMPLETED, Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS)
    # A completed visit's pages no longer take answers.
    response = client.post(url(la, "visit_theme", pk=visit.pk, number=1), {f"level_{codes['1a'].pk}": "not_at_all"})
    assert response.headers["Location"] == url(la, "visit_detail", pk=visit.pk)
    with scopes_disabled():
        assert Judgement.objects.get(visit=visit, standard=codes["1a"]).level == "fully"


def test_a_level_not_of_the_scale_is_an_error_naming_the_standard(world, la, provider, officer, login):
    visit = qa_visit_in_state(local_authority=la, provider=provider, state="in_progress", by=officer, now=NOW)
    codes = standards(visit)
    response = login(officer).post(url(la, "visit_theme", pk=visit.pk, number=1),
                                   {f"level_{codes['1a'].pk}": "excellent", "comment": "x"})
    assert response.status_code == 400
    assert summary_errors(response) == ["Choose a judgement for standard 1a from the list"]


def test_scheduling_needs_a_provider_the_la_lists(world, la, officer, version, login):
    response = login(officer).post(url(la, "visit_schedule"), {"framework": version.framework.pk})
    assert response.status_code == 400
    errors = summary_errors(response)
    assert "Select the provider you are visiting" in errors and "Enter the date of the visit" in errors
    options = [o.get_text() for o in soup(response).select("#id_provider option")]
    assert options == ["Choose a provider", "Provider A"]


def _report_text(client, org, visit):
    response = client.get(url(org, "visit_report", pk=visit.pk))
    return response.status_code, response.content.decode()


def test_who_reads_the_report(world, la, provider, officer, login):
    visit = qa_visit_in_state(local_authority=la, provider=provider, state="in_progress", by=officer, now=NOW)
    with scope(organisation=la):
        visits.qa_visit_save(visit=visit, by=officer, organisation=la, now=NOW,
                             judgements={standards(visit)["1a"].pk: {"evidence": SENTINEL}})
    manager, school_head = world.user(K.PROVIDER, Role.PROVIDER_MANAGER), world.user(K.SCHOOL, Role.HEADTEACHER)
    other_la, other_school = world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER, "b"), world.user(K.SCHOOL, Role.HEADTEACHER, "b")
    school_a, school_b, la_b = world.org(K.SCHOOL, "a"), world.org(K.SCHOOL, "b"), world.org(K.LOCAL_AUTHORITY, "b")
    # In progress: the provider reads nothing, not even in its list.
    assert _report_text(login(manager), provider, visit)[0] == 404
    assert SENTINEL not in login(manager).get(url(provider, "report_list")).content.decode()
    with scope(organisation=la):
        for s in standards(visit).values():
            visits.qa_visit_save(visit=visit, by=officer, organisation=la, now=NOW, judgements={s.pk: {"level": "fully"}})
        visits.qa_visit_complete(visit=visit, outcome=Outcome.APPROVED, by=officer, organisation=la, now=NOW)
    status, text = _report_text(login(manager), provider, visit)
    assert status == 200 and SENTINEL in text
    listing = login(manager).get(url(provider, "report_list"))
    assert soup(listing).select_one("[data-testid=qa-reports]") is not None
    # Another LA, a school of the LA (not shared, not signed) and another school: nothing.
    assert _report_text(login(other_la), la_b, visit)[0] == 404
    assert _report_text(login(school_head), school_a, visit)[0] == 404
    assert "No QA reports" in login(school_head).get(url(school_a, "report_list")).content.decode()
    # Signed and shared with the LA's schools: school a reads it; school b (another LA) still not.
    with scopes_disabled():
        QAVisit.objects.filter(pk=visit.pk).update(state=VisitState.SIGNED, signed_at=NOW, shared_with_schools=True)
    status, text = _report_text(login(school_head), school_a, visit)
    assert status == 200 and SENTINEL in text
    assert _report_text(login(other_school), school_b, visit)[0] == 404
    assert SENTINEL not in login(other_school).get(url(school_b, "report_list")).content.decode()


def test_the_list_filters_by_state_and_provider_and_costs_the_same_at_2_and_12(world, la, provider, officer, login):
    version = framework_version(owner=la, now=NOW)
    client = login(officer)

    def make(n):
        for _ in range(n):
            qa_visit_in_state(local_authority=la, provider=provider, state="scheduled", by=officer, now=NOW,
                              version=version)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url(la, "visit_list"))
        return len(captured), response

    make(2)
    at_2, response = queries()
    make(10)
    at_12, response = queries()
    assert at_2 == at_12
    assert len(soup(response).select("[data-testid=qa-visits] tbody tr")) == 12
    qa_visit_in_state(local_authority=la, provider=provider, state="in_progress", by=officer, now=NOW, version=version)
    filtered = client.get(url(la, "visit_list"), {"state": "in_progress", "provider": provider.pk})
    assert len(soup(filtered).select("[data-testid=qa-visits] tbody tr")) == 1
    assert "1 visit" in soup(filtered).get_text()


@pytest.mark.parametrize("name", ["visit_overview", "visit_complete"])
def test_a_scheduled_visit_sends_its_pages_to_the_task_list(world, la, provider, officer, login, name):
    visit = qa_visit_in_state(local_authority=la, provider=provider, state="scheduled", by=officer, now=NOW)
    response = login(officer).get(url(la, name, pk=visit.pk))
    assert response.headers["Location"] == url(la, "visit_detail", pk=visit.pk)
    page = login(officer).get(url(la, "visit_detail", pk=visit.pk))
    assert soup(page).select_one(f"form[action='{url(la, 'visit_start', pk=visit.pk)}']") is not None
