"""Issue 13 acceptance, "providers see their own visits and plans": the provider reads a QA visit
from COMPLETED on (it must read the report to sign it; QAVisit.scope_q's PROVIDER_SEES), never
before. While the visit is scheduled or in progress, every page the provider has for it — the
report, its PDF, the sign page, the reports list, its improvement plan and an action's progress
page, its dashboard — shows nothing of it (404 for the object's own pages); once the LA completes
the visit they all open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from qa_framework import services, visits
from qa_framework.factories import qa_visit_in_state
from qa_framework.models import Outcome, VisitState
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope

from .conftest import NOW


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


AREA = "Sentinel-plan-area-4K"
COMMENT = "Sentinel-theme-comment-4K"


def _url(name, org, **kw):
    return reverse(f"qa_framework:{name}", kwargs={"org": org.slug, **kw})


def _provider_pages(client, provider, visit, action):
    """{page: (status, text)} of every page the provider has for the visit and its plan."""
    pages = {
        "report": _url("visit_report", provider, pk=visit.pk),
        "pdf": _url("visit_report_pdf", provider, pk=visit.pk),
        "sign": _url("visit_sign_provider", provider, pk=visit.pk),
        "reports": _url("report_list", provider),
        "plan": _url("provider_plan", provider),
        "progress": _url("action_progress", provider, pk=action.pk) if action else None,
        "dashboard": reverse("dashboard", kwargs={"org": provider.slug}),
    }
    out = {}
    for name, address in pages.items():
        if address:
            response = client.get(address)
            text = "" if name == "pdf" else response.content.decode()
            out[name] = (response.status_code, text)
    return out


@pytest.mark.parametrize("state", [VisitState.SCHEDULED, VisitState.IN_PROGRESS])
def test_the_provider_reads_nothing_of_a_visit_before_it_is_completed(world, la, provider, officer, login, state):
    visit = qa_visit_in_state(local_authority=la, provider=provider, state=state, by=officer, now=NOW)
    action = None
    if state == VisitState.IN_PROGRESS:
        with scope(organisation=la):
            theme = visits.visit_themes(visit)[0]
            visits.qa_visit_save(visit=visit, by=officer, organisation=la, now=NOW, comments={theme.pk: COMMENT})
            action = services.action_add(visit=visit, by=officer, organisation=la, now=NOW, values={
                "area": AREA, "actions": "Keep the fire log", "rag": "amber", "who_by": "Centre manager",
                "due_on": NOW.date() + dt.timedelta(weeks=4)})
    client = login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    report_link = _url("visit_report", provider, pk=visit.pk)

    before = _provider_pages(client, provider, visit, action)
    for name in ("report", "pdf", "sign", "progress"):
        if name in before:
            assert before[name][0] == 404, name
    for name in ("reports", "plan", "dashboard"):
        status, text = before[name]
        assert status == 200 and report_link not in text and AREA not in text and COMMENT not in text, name

    if state == VisitState.SCHEDULED:
        with scope(organisation=la):
            visit = visits.qa_visit_start(visit=visit, by=officer, organisation=la, now=NOW)
    with scope(organisation=la):
        for standard in visits.visit_standards(visit):
            visits.qa_visit_save(visit=visit, by=officer, organisation=la, now=NOW,
                                 judgements={standard.pk: {"level": "fully"}})
        visits.qa_visit_complete(visit=visit, outcome=Outcome.APPROVED, by=officer, organisation=la, now=NOW)

    after = _provider_pages(client, provider, visit, action)
    assert {name: status for name, (status, _) in after.items()} == dict.fromkeys(after, 200)
    assert report_link in after["reports"][1]
    if action is not None:
        assert COMMENT in after["report"][1] and AREA in after["plan"][1] and AREA in after["progress"][1]
