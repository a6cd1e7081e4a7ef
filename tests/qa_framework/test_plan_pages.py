"""Improvement plan pages through the test client: the LA officer adds a row (GOV.UK errors first),
the provider records progress and evidence, the officer reads it, changes the RAG rating and
closes; what each side reads; the dashboard's open actions by RAG each equal the list they open."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from apcommission import clock
from qa_framework.models import ImprovementAction, VisitState
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

from .helpers import NOW, action, visit


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with clock.frozen(NOW):
        yield


def officer(client, world, side="a"):
    client.force_login(world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER, side))
    return f"/o/{world.org(K.LOCAL_AUTHORITY, side).slug}/qa"


def test_officer_adds_provider_progresses_officer_rates_and_closes(world, client):
    the_visit = visit(world, state=VisitState.COMPLETED)
    base = officer(client, world)
    response = client.post(f"{base}/visits/{the_visit.pk}/improvement-plan/new/", {"area": ""})
    body = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in body
    for message in ("Enter the area for improvement", "Enter the actions", "Select the RAG rating", "Enter the date to be done by",
                    "Enter who will do it"):
        assert message in body, message
    response = client.post(f"{base}/visits/{the_visit.pk}/improvement-plan/new/", {
        "area": "Single central register", "actions": "Add DBS dates for two volunteers", "rag": "red",
        "due_on_0": "11", "due_on_1": "12", "due_on_2": "2026", "who_by": "Centre manager"})
    assert response.status_code == 302
    with scopes_disabled():
        row = ImprovementAction.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Single central register" in page and "11 Dec 2026" in page and "Red" in page

    client.force_login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    pbase = f"/o/{world.org(K.PROVIDER).slug}/qa"
    assert "Single central register" in client.get(f"{pbase}/our-improvement-plan/").content.decode()
    response = client.post(f"{pbase}/our-improvement-plan/{row.pk}/", {"progress": "", "evidence": ""})
    assert response.status_code == 400 and "Enter the progress made" in response.content.decode()
    response = client.post(f"{pbase}/our-improvement-plan/{row.pk}/",
                           {"progress": "Both volunteers' DBS dates added", "evidence": "SCR export 24 November"})
    assert response.status_code == 302

    base = officer(client, world)
    page = client.get(f"{base}/improvement-actions/{row.pk}/").content.decode()
    assert "Both volunteers&#x27; DBS dates added" in page and "SCR export 24 November" in page
    response = client.post(f"{base}/improvement-actions/{row.pk}/", {
        "area": "Single central register", "actions": "Add DBS dates for two volunteers", "rag": "green",
        "due_on_0": "11", "due_on_1": "12", "due_on_2": "2026", "who_by": "Centre manager"})
    assert response.status_code == 302
    assert client.post(f"{base}/improvement-actions/{row.pk}/close/").status_code == 302
    row.refresh_from_db()
    assert (row.rag, row.done_on) == ("green", NOW.date())


def test_a_provider_does_not_see_the_plan_of_a_visit_still_in_progress(world, client):
    action(world, state=VisitState.IN_PROGRESS, area="Not yet shared")
    client.force_login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    page = client.get(f"/o/{world.org(K.PROVIDER).slug}/qa/our-improvement-plan/").content.decode()
    assert "Not yet shared" not in page and "No improvement actions" in page
    client.force_login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER, "b"))
    action(world, area="Side A only")
    page = client.get(f"/o/{world.org(K.PROVIDER, 'b').slug}/qa/our-improvement-plan/").content.decode()
    assert "Side A only" not in page


def _count(page: str) -> int:
    return len(re.findall(r'<tr class="govuk-table__row">', page)) - 1  # minus the header row


def test_dashboard_open_actions_by_rag_equal_their_lists(world, client):
    for rag, due in (("red", dt.date(2026, 11, 26)), ("red", dt.date(2026, 12, 20)), ("amber", dt.date(2026, 12, 1))):
        row = action(world, due_on=due)
        with scopes_disabled():
            ImprovementAction.objects.filter(pk=row.pk).update(rag=rag)
    action(world, "b")  # another LA's: never counted
    with clock.frozen(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)):
        base = officer(client, world)
        dashboard = client.get(f"/o/{world.org(K.LOCAL_AUTHORITY).slug}/").content.decode()
        figures = dict(re.findall(r'href="([^"]*improvement-actions/\?rag=[a-z]+)" data-figure="(\d+)"', dashboard))
        assert "2 improvement actions are overdue" in dashboard
        assert {url.rsplit("=", 1)[1]: int(n) for url, n in figures.items()} == {"red": 2, "amber": 1, "green": 0}
        for url, value in figures.items():
            page = client.get(url.replace("&amp;", "&")).content.decode()
            assert (_count(page) if "No open improvement actions" not in page else 0) == int(value), url
        assert _count(client.get(f"{base}/improvement-actions/?queue=overdue").content.decode()) == 2


def test_the_list_costs_the_same_at_2_and_12_actions(world, client, django_assert_max_num_queries):
    base = officer(client, world)
    for _ in range(2):
        action(world)
    with django_assert_max_num_queries(40) as few:
        client.get(f"{base}/improvement-actions/")
    for _ in range(10):
        action(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(f"{base}/improvement-actions/").content.decode()
    assert _count(page) == 12
