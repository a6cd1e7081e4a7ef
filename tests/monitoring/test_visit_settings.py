"""The visit requirement per placement (issue 12 item 1): the signed SLA in force says how many visits
each half term; without one, the school's own setting (its visit settings page); without that, once
per half term. Seed 004's "twice per term" is once each half term. The named visit owner is changed
on the placement's monitoring page."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from apcommission import clock
from monitoring import rules, selectors, services
from monitoring.models import VisitPlan, VisitSettings, VisitWindow
from slas.cross_tenant import SLATerms
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import D, calendars, place, set_owner


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = clock.london(D(2026, 11, 25), dt.time(5, 30))


@pytest.mark.parametrize(("sla", "school", "needed"), [
    (SLATerms(visits_per_half_term=3, sla_id=7), 2, 3),  # a signed SLA comes first
    (SLATerms(), 2, 2),  # no SLA in force: the school's setting
    (SLATerms(), None, 1),  # neither: once per half term
])
def test_the_requirement_comes_from_the_sla_then_the_school(sla, school, needed):
    assert rules.visits_per_half_term(sla, school, 1) == needed


@pytest.fixture
def placed(world):
    with clock.frozen(NOW):
        calendars(world)
        world.placements["a"] = place(world)
        yield world


def _settings_url(world):
    return reverse("monitoring:visit_settings", kwargs={"org": world.org(K.SCHOOL).slug})


def test_the_school_sets_twice_each_half_term_and_new_windows_need_two(placed, login):
    client = login(placed.user(K.SCHOOL, Role.HEADTEACHER))
    page = client.get(_settings_url(placed))
    assert page.status_code == 200 and "Once each half term (twice a term)" in page.content.decode()
    response = client.post(_settings_url(placed), {"visits_per_half_term": "2"})
    assert response.status_code == 302
    with scopes_disabled():
        assert VisitSettings.objects.get(school=placed.org(K.SCHOOL)).visits_per_half_term == 2
        assert AuditEvent.objects.filter(detail="Visits each half term set to 2").exists()
    with clock.frozen(NOW):
        services.visit_windows_open(now=NOW)
    with scopes_disabled():
        assert VisitWindow.objects.get(placement=placed.placements["a"]).required == 2
    with clock.frozen(NOW):
        monitoring = client.get(reverse("monitoring:placement_monitoring",
                                        kwargs={"org": placed.org(K.SCHOOL).slug, "pk": placed.placements["a"].pk}))
    soup = BeautifulSoup(monitoring.content.decode(), "html.parser")
    text = soup.select_one('[data-testid="requirement"]').get_text(" ", strip=True)
    assert "2 visits in every half term" in text and "the school's visit settings" in text
    rows = [r.get_text(" ", strip=True) for r in soup.select('[data-testid="windows"] tbody tr')]
    assert "0 of 2" in rows[-1]


def test_without_a_setting_a_placement_needs_one_visit_each_half_term(placed):
    with clock.frozen(NOW):
        services.visit_windows_open(now=NOW)
        with scope(organisation=placed.org(K.SCHOOL)):
            requirement = selectors.visit_requirement(placed.placements["a"], today=NOW.date())
    with scopes_disabled():
        assert VisitWindow.objects.get(placement=placed.placements["a"]).required == 1
    assert (requirement.visits_per_half_term, requirement.source) == (1, "default")


def test_no_answer_is_an_error_named_in_the_summary(placed, login):
    client = login(placed.user(K.SCHOOL, Role.HEADTEACHER))
    response = client.post(_settings_url(placed), {})
    assert response.status_code == 200
    assert "Select how often the school should visit each placement" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


def test_a_provider_cannot_set_a_schools_visits(placed):
    with pytest.raises(Exception, match="Only a school"):
        services.visit_settings_save(school=placed.org(K.PROVIDER), visits_per_half_term=2,
                                     by=placed.user(K.PROVIDER, Role.PROVIDER_MANAGER), now=NOW)


def test_the_visit_owner_is_changed_on_the_monitoring_page(placed, login):
    client = login(placed.user(K.SCHOOL, Role.AP_LEAD))
    pastoral = placed.user(K.SCHOOL, Role.PASTORAL)
    url = reverse("monitoring:visit_owner", kwargs={"org": placed.org(K.SCHOOL).slug, "pk": placed.placements["a"].pk})
    assert client.post(url, {"owner": pastoral.pk}).status_code == 302
    with scopes_disabled():
        assert VisitPlan.objects.get(placement=placed.placements["a"]).owner == pastoral
    set_owner(placed, placed.placements["a"], role=Role.SENCO)
    with scopes_disabled():
        assert VisitPlan.objects.get(placement=placed.placements["a"]).owner == placed.user(K.SCHOOL, Role.SENCO)
