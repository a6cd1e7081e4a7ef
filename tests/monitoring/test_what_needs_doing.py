"""The dashboard's "what needs doing" for visits (issue 12 item 8): the visit owner sees the visit due
this half term and the school's actions from a visit past their due date, a provider's managers the
actions for the provider past their date; another member does not
see them as theirs; an item another app registers through the Panel registry shows on the same list;
the list costs the same with 1 and 6 placements."""

from __future__ import annotations

import datetime as dt

import pytest

from apcommission import clock
from apcommission.dashboards import _PANELS, Attention, Panel, PanelResult, register
from monitoring import services
from monitoring.models import VisitAction
from placements.factories import PupilFactory
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled
from tests.dashboards.conftest import read_dashboard

from .conftest import D, calendars, place, set_owner


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = clock.london(D(2026, 12, 3), dt.time(14, 0))


@pytest.fixture
def placed(world):
    with clock.frozen(NOW):
        calendars(world)
        world.placements["a"] = place(world)
        set_owner(world, world.placements["a"])  # the pastoral lead owns the visits
        services.visit_windows_open(now=NOW)
        yield world


def _name(world):
    pupil = world.pupils["a"]
    return f"{pupil.first_name} {pupil.last_name}"


def _attention(login, world, role):
    client = login(world.user(K.SCHOOL, role))
    return read_dashboard(client, world.member(K.SCHOOL, role)).attention


def _submit_with_action(world, due_on):
    school, by = world.org(K.SCHOOL), world.user(K.SCHOOL, Role.AP_LEAD)
    with scope(organisation=school):
        visit = services.visit_save(placement=world.placements["a"], by=by, organisation=school, now=NOW, submit=True,
                                    values={"visited_on": D(2026, 12, 2), "visited_time": dt.time(10, 0),
                                            "visitor": by, "safeguarding_concerns": False, "parent_contacted": True})
        services.visit_action_add(visit=visit, side="school", description="Phone home", owner_name="Someone",
                                  due_on=due_on, by=by, organisation=school)
    return visit


def test_the_owner_sees_the_visit_due_and_others_do_not(placed, login):
    mine = _attention(login, placed, Role.PASTORAL)
    assert (f"Visit {_name(placed)} at Provider A" in [text for text, _ in mine])
    assert not any(text.startswith("Visit PupilA") for text, _ in _attention(login, placed, Role.SENCO))


def test_an_overdue_action_is_listed_until_done(placed, login):
    _submit_with_action(placed, due_on=D(2026, 12, 1))
    mine = [text for text, _ in _attention(login, placed, Role.PASTORAL)]
    assert f"1 action from visits to {_name(placed)} at Provider A" in mine
    assert f"Visit {_name(placed)} at Provider A" not in mine  # the visit on 2 December met this half term
    with scopes_disabled():
        action = VisitAction.objects.get()
    with scope(organisation=placed.org(K.SCHOOL)):
        services.visit_action_done(action=action, by=placed.user(K.SCHOOL, Role.PASTORAL),
                                   organisation=placed.org(K.SCHOOL), now=NOW)
    assert not any("action" in text for text, _ in _attention(login, placed, Role.PASTORAL))


def test_an_action_not_yet_due_is_not_listed(placed, login):
    _submit_with_action(placed, due_on=D(2026, 12, 10))
    assert not any("action" in text for text, _ in _attention(login, placed, Role.PASTORAL))


def test_the_ap_lead_owns_visits_nobody_else_owns(world, login):
    with clock.frozen(NOW):
        calendars(world)
        world.placements["a"] = place(world)  # the agreement's school lead is the AP lead: no plan needed
        services.visit_windows_open(now=NOW)
        assert f"Visit {_name(world)} at Provider A" in [t for t, _ in _attention(login, world, Role.AP_LEAD)]


@pytest.fixture
def review_panel():
    """An item another app contributes (say, a review due) through the one Panel registry."""

    @register
    class ReviewDue(Panel):
        key, order = "test_review_due", 28
        kinds = frozenset({K.SCHOOL})

        def build(self, viewer):
            return PanelResult(title="Reviews", attention=[Attention("Hold the review meeting for PupilA", "/r/")])

    yield
    _PANELS.pop("test_review_due")


@pytest.mark.usefixtures("review_panel")
def test_items_other_apps_register_show_on_the_same_list(placed, login):
    texts = [text for text, _ in _attention(login, placed, Role.PASTORAL)]
    assert "Hold the review meeting for PupilA" in texts and f"Visit {_name(placed)} at Provider A" in texts


def test_the_list_costs_the_same_with_1_and_6_placements(placed, login, django_assert_num_queries):
    from django.urls import reverse

    from bench.dashboard import count_queries

    client = login(placed.user(K.SCHOOL, Role.PASTORAL))
    url = reverse("dashboard", kwargs={"org": placed.org(K.SCHOOL).slug})
    with clock.frozen(NOW):
        one = count_queries(client, url)
        with scopes_disabled():
            pupils = [PupilFactory(school=placed.org(K.SCHOOL)) for _ in range(5)]
        for pupil in pupils:
            set_owner(placed, place(placed, pupil=pupil))
        services.visit_windows_open(now=NOW)
        with django_assert_num_queries(one):
            response = client.get(url)
    assert sum(item.text.startswith("Visit ") for item in response.context["attention"]) == 6


def test_the_providers_manager_sees_its_overdue_actions(placed, login):
    school, by = placed.org(K.SCHOOL), placed.user(K.SCHOOL, Role.AP_LEAD)
    with scope(organisation=school):
        visit = services.visit_save(placement=placed.placements["a"], by=by, organisation=school, now=NOW,
                                    submit=True, values={"visited_on": D(2026, 12, 2), "visited_time": dt.time(11, 0),
                                                         "visitor": by, "safeguarding_concerns": False,
                                                         "parent_contacted": True})
        services.visit_action_add(visit=visit, side="provider", description="Share the timetable",
                                  owner_name="Centre manager", due_on=D(2026, 12, 1), by=by, organisation=school)
    expected = f"Action from {school.name}'s visit for {_name(placed)}"
    manager = login(placed.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    assert expected in [t for t, _ in read_dashboard(manager, placed.member(K.PROVIDER, Role.PROVIDER_MANAGER)).attention]
    staff = login(placed.user(K.PROVIDER, Role.PROVIDER_STAFF))
    assert expected not in [t for t, _ in read_dashboard(staff, placed.member(K.PROVIDER, Role.PROVIDER_STAFF)).attention]
