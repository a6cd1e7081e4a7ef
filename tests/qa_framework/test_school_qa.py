"""A school's termly QA of a provider (issue 13 item 1, seed 001 §12) on the same visit engine as an
LA's provider QA: the school's AP lead schedules, records and completes a visit on the shipped
termly QA framework through the same pages; no approval decision comes of it, even signed; the
provider reads it; another school, and the school on an LA's unshared visit, get 404."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from qa_framework import signing, visits
from qa_framework.factories import qa_visit_in_state
from qa_framework.models import ApprovalDecision, FrameworkPurpose, QAVisit, VisitState
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW
from .helpers import own_framework, shipped


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


SENTINEL = "Sentinel-termly-QA-4K"


def url(org, name, **kw):
    return reverse(f"qa_framework:{name}", kwargs={"org": org.slug, **kw})


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def school(world):
    return world.org(K.SCHOOL, "a")


@pytest.fixture
def ap_lead(world):
    return world.user(K.SCHOOL, Role.AP_LEAD, "a")


def test_a_school_records_its_termly_qa_visit_end_to_end_and_no_approval_comes_of_it(
        world, school, ap_lead, provider, la, login, frozen_now):
    termly = shipped(FrameworkPurpose.SCHOOL_TERMLY_QA)
    own_framework(world)  # the LA's own provider QA framework: never offered to the school
    client = login(ap_lead)
    form = soup(client.get(url(school, "visit_schedule")))
    assert [o.get_text() for o in form.select("#id_framework option")][1:] == [termly.framework.title]
    assert [o.get_text() for o in form.select("#id_provider option")][1:] == [provider.name]
    response = client.post(url(school, "visit_schedule"), {
        "provider": provider.pk, "framework": termly.framework.pk, "scheduled_for_0": "1", "scheduled_for_1": "12",
        "scheduled_for_2": "2026", "owner_representative": ap_lead.pk, "provider_representative": "Centre manager"})
    assert response.status_code == 302
    with scopes_disabled():
        visit = QAVisit.objects.get()
    assert (visit.owner, visit.version) == (school, termly)
    assert client.post(url(school, "visit_start", pk=visit.pk)).status_code == 302
    client.post(url(school, "visit_overview", pk=visit.pk), {
        "overview": "Workshop", "placement_lengths": "Part time", "courses": "Motor vehicle: Level 1",
        "contact_details": "1 High Street", "dsl": "Dee Lead"})
    best = termly.scale[0]["code"]
    with scope(organisation=school):
        themes = visits.visit_themes(visit)
        rows = {theme.number: visits.theme_rows(visit, theme)[0] for theme in themes}
    assert len(themes) == 8  # seed 001 §12's areas
    for number, judgements in rows.items():
        data = {f"level_{row.standard_id}": best for row in judgements}
        data.update({f"evidence_{row.standard_id}": SENTINEL for row in judgements}, comment="Seen on the day")
        assert client.post(url(school, "visit_theme", pk=visit.pk, number=number), data).status_code == 302
    page = client.get(url(school, "visit_complete", pk=visit.pk))
    assert "does not change the local authority's approved list" in soup(page).select_one(
        "[data-testid=outcome-note]").get_text()
    suggested = soup(page).select_one("input[name=outcome][checked]")["value"]
    response = client.post(url(school, "visit_complete", pk=visit.pk), {"outcome": suggested})
    assert response.headers["Location"] == url(school, "visit_report", pk=visit.pk)
    assert SENTINEL in client.get(response.headers["Location"]).content.decode()
    listed = soup(client.get(url(school, "visit_list"))).get_text()
    assert provider.name in listed
    # The provider reads the school's completed visit of itself, as it reads an LA's.
    manager = world.user(K.PROVIDER, Role.PROVIDER_MANAGER, "a")
    client = login(manager)
    assert SENTINEL in client.get(url(provider, "visit_report", pk=visit.pk)).content.decode()
    assert school.name in client.get(url(provider, "report_list")).content.decode()
    # Signed by both sides (the school on its sign page, linked from the report): the visit is
    # signed, and still no approval decision (approval is the LA's).
    client = login(ap_lead)
    report = soup(client.get(url(school, "visit_report", pk=visit.pk)))
    sign_page = url(school, "visit_sign_owner", pk=visit.pk)
    assert report.select_one(f'a[href="{sign_page}"]') is not None
    response = client.post(sign_page, {"typed_name": ap_lead.full_name, "position": "AP lead", "confirm": "on"})
    assert response.status_code == 302
    assert "You have signed the QA visit report" in client.get(sign_page).content.decode()
    with scope(organisation=provider):
        signing.qa_visit_sign(visit=visit, membership=world.member(K.PROVIDER, Role.PROVIDER_MANAGER, "a"),
                              party=signing.Party.PROVIDER, typed_name=manager.full_name, position="Manager", now=NOW)
    with scopes_disabled():
        visit.refresh_from_db()
        assert visit.state == VisitState.SIGNED
        assert not ApprovalDecision.objects.exists()


def test_the_school_runs_termly_qa_only_and_the_la_provider_qa_only(world, school, ap_lead, la, officer, provider):
    la_framework = own_framework(world)
    with scope(organisation=school), pytest.raises(ValidationError) as refused:
        visits.qa_visit_schedule(owner=school, provider=provider, framework=la_framework.framework,
                                 scheduled_for=NOW.date(), owner_representative=ap_lead, by=ap_lead, now=NOW)
    assert "framework" in refused.value.message_dict
    with scope(organisation=la), pytest.raises(ValidationError) as refused:
        visits.qa_visit_schedule(owner=la, provider=provider, framework=shipped(FrameworkPurpose.SCHOOL_TERMLY_QA)
                                 .framework, scheduled_for=NOW.date(), owner_representative=officer, by=officer, now=NOW)
    assert "framework" in refused.value.message_dict


def test_a_school_visits_a_provider_it_places_with_or_its_la_lists_and_no_other(world, school, ap_lead):
    from placements.factories import placement_in_state

    other = world.org(K.PROVIDER, "b")  # listed by LA b only
    with scope(organisation=school):
        assert list(visits.visitable_providers(school)) == [world.org(K.PROVIDER, "a")]
        with pytest.raises(ValidationError) as refused:
            visits.qa_visit_schedule(owner=school, provider=other, scheduled_for=NOW.date(), by=ap_lead, now=NOW,
                                     framework=shipped(FrameworkPurpose.SCHOOL_TERMLY_QA).framework,
                                     owner_representative=ap_lead)
    assert refused.value.message_dict["provider"] == [visits.PROVIDER_HELP[K.SCHOOL]]
    placement_in_state(pupil=world.pupils["a"], provider=other, state="active", now=NOW)
    with scope(organisation=school):
        assert other in visits.visitable_providers(school)


def test_a_school_opens_only_its_own_visits(world, school, ap_lead, la, officer, provider, login):
    own = qa_visit_in_state(owner=school, provider=provider, state="in_progress", by=ap_lead, now=NOW)
    la_visit = qa_visit_in_state(local_authority=la, provider=provider, state="completed", by=officer, now=NOW)
    assert login(ap_lead).get(url(school, "visit_detail", pk=own.pk)).status_code == 200
    # School b, and school a on the LA's unshared visit: 404 on every page.
    client = login(world.user(K.SCHOOL, Role.AP_LEAD, "b"))
    school_b = world.org(K.SCHOOL, "b")
    for name in ("visit_detail", "visit_overview", "visit_complete", "visit_report"):
        assert client.get(url(school_b, name, pk=own.pk)).status_code == 404, name
    client = login(ap_lead)
    for name in ("visit_detail", "visit_overview", "visit_complete", "visit_report"):
        assert client.get(url(school, name, pk=la_visit.pk)).status_code == 404, name
    # Shared with schools once signed: the school reads the LA's report, but never records on it.
    with scopes_disabled():
        QAVisit.objects.filter(pk=la_visit.pk).update(state=VisitState.SIGNED, shared_with_schools=True)
    assert client.get(url(school, "visit_report", pk=la_visit.pk)).status_code == 200
    assert client.get(url(school, "visit_detail", pk=la_visit.pk)).status_code == 404
    assert la.name not in soup(client.get(url(school, "visit_list"))).select_one("main").get_text()
