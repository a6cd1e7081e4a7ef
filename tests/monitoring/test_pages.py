"""The monitoring pages: recording a visit (draft, then submit, with GOV.UK errors), who reads what of
a submitted record (sentinel strings per role), the PDF, actions tracked to done, the school's list
at 5 and 50 placements for the same queries, and the dashboards' counts matching their lists."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcommission import clock
from monitoring import services
from monitoring.models import Visit, VisitAction, VisitWindow
from placements.factories import PupilFactory
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import D, calendars, place, set_owner


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = clock.london(D(2026, 12, 3), dt.time(14, 0))
BEHAVIOUR = "SENTINEL-BEHAVIOUR settled well"
ATTENDANCE = "SENTINEL-ATTENDANCE late twice"
SCHOOL_ACTION = "SENTINEL-SCHOOL-ACTION phone home"
PROVIDER_ACTION = "SENTINEL-PROVIDER-ACTION share timetable"


@pytest.fixture
def frozen():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def placed(world, frozen):
    calendars(world)
    world.placements["a"] = place(world)
    set_owner(world, world.placements["a"])
    return world


def url(name, world, kind=K.SCHOOL, **kwargs):
    return reverse(f"monitoring:{name}", kwargs={"org": world.org(kind).slug, **kwargs})


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def submitted_visit(world):
    placement = world.placements["a"]
    school, by = world.org(K.SCHOOL), world.user(K.SCHOOL, Role.AP_LEAD)
    with scope(organisation=school):
        visit = services.visit_save(
            placement=placement, by=by, organisation=school, now=NOW, submit=True,
            values={"visited_on": D(2026, 12, 2), "visited_time": dt.time(10, 0), "visitor": by,
                    "safeguarding_concerns": False, "parent_contacted": True, "behaviour_welfare": BEHAVIOUR,
                    "attendance_notes": ATTENDANCE})
        for side, text in (("school", SCHOOL_ACTION), ("provider", PROVIDER_ACTION)):
            services.visit_action_add(visit=visit, side=side, description=text, owner_name="Someone",
                                      due_on=D(2026, 12, 11), by=by, organisation=school)
    return visit


def form_data(**answers):
    data = {"visited_on_0": "2", "visited_on_1": "12", "visited_on_2": "2026", "visited_time": "10:30",
            "attendance_percent": "92.5", "safeguarding_concerns": "no", "parent_contacted": "yes",
            "behaviour_welfare": BEHAVIOUR, "next_review_on_0": "", "next_review_on_1": "", "next_review_on_2": ""}
    data.update(answers)
    return data


def test_a_visit_is_saved_as_a_draft_then_submitted(placed, login):
    lead = placed.user(K.SCHOOL, Role.AP_LEAD)
    client = login(lead)
    services.visit_windows_open(now=NOW)
    new = url("visit_create", placed, pk=placed.placements["a"].pk)
    page = soup(client.get(new))
    assert page.select_one('input[name="visited_on_0"]')["value"] == "3"  # today
    assert page.select_one("#id_visitor option[selected]")["value"] == str(lead.pk)

    draft = client.post(new, {"draft": "Save and come back later", "behaviour_welfare": BEHAVIOUR,
                              "visited_on_0": "", "visited_on_1": "", "visited_on_2": ""})
    assert draft.status_code == 302
    with scopes_disabled():
        visit = Visit.objects.get()
    assert visit.state == "draft" and visit.behaviour_welfare == BEHAVIOUR

    edit = url("visit_edit", placed, pk=visit.pk)
    refused = client.post(edit, {"behaviour_welfare": BEHAVIOUR})
    assert refused.status_code == 400
    summary = soup(refused).select_one(".govuk-error-summary").get_text()
    for message in ("Enter the date of the visit", "Enter the time of the visit",
                    "Select the member of staff who visited",
                    "Select yes if there were safeguarding concerns"):
        assert message in summary

    done = client.post(edit, form_data(visitor=str(lead.pk)))
    assert done.status_code == 302
    with scopes_disabled():
        visit.refresh_from_db()
        assert visit.state == "submitted" and visit.visited_time == dt.time(10, 30)
        assert VisitWindow.objects.get().met_at is not None
    # A submitted record does not change.
    assert client.get(edit).status_code == 302


def test_a_parent_not_contacted_needs_a_reason(placed, login):
    lead = placed.user(K.SCHOOL, Role.AP_LEAD)
    client = login(lead)
    response = client.post(url("visit_create", placed, pk=placed.placements["a"].pk),
                           form_data(visitor=str(lead.pk), parent_contacted="no"))
    assert response.status_code == 400
    assert "Enter why the parent or carer was not contacted" in soup(response).select_one(
        ".govuk-error-summary").get_text()


@pytest.mark.parametrize(("kind", "role", "sees"), [
    (K.SCHOOL, Role.AP_LEAD, {BEHAVIOUR, ATTENDANCE, SCHOOL_ACTION, PROVIDER_ACTION, "PupilA"}),
    (K.SCHOOL, Role.ATTENDANCE_OFFICER, {ATTENDANCE, "PupilA"}),
    (K.SCHOOL, Role.EXAMS_OFFICER, {BEHAVIOUR, SCHOOL_ACTION, PROVIDER_ACTION, "PupilA"}),
    (K.TRUST, Role.TRUST_EXECUTIVE, {ATTENDANCE, "PupilA"}),
    (K.PROVIDER, Role.PROVIDER_MANAGER, {PROVIDER_ACTION, "PupilA"}),
    (K.PROVIDER, Role.PROVIDER_STAFF, {PROVIDER_ACTION, "PupilA"}),
])
def test_each_role_reads_what_the_visibility_table_lets_it(placed, login, kind, role, sees):
    visit = submitted_visit(placed)
    client = login(placed.user(kind, role))
    response = client.get(url("visit_detail", placed, kind, pk=visit.pk))
    assert response.status_code == 200
    text = response.content.decode()
    for sentinel in {BEHAVIOUR, ATTENDANCE, SCHOOL_ACTION, PROVIDER_ACTION, "PupilA"}:
        assert (sentinel in text) == (sentinel in sees), sentinel


def test_a_provider_never_reads_a_draft(placed, login):
    school, by = placed.org(K.SCHOOL), placed.user(K.SCHOOL, Role.AP_LEAD)
    with scope(organisation=school):
        draft = services.visit_save(placement=placed.placements["a"], by=by, organisation=school, now=NOW,
                                    submit=False, values={"behaviour_welfare": BEHAVIOUR})
    client = login(placed.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    assert client.get(url("visit_detail", placed, K.PROVIDER, pk=draft.pk)).status_code == 404
    page = client.get(url("placement_monitoring", placed, K.PROVIDER, pk=placed.placements["a"].pk))
    assert "No visits recorded yet" in page.content.decode()


def test_the_monitoring_page_shows_each_half_term_and_the_placement_page_links_to_it(placed, login):
    client = login(placed.user(K.SCHOOL, Role.AP_LEAD))
    placement = placed.placements["a"]
    detail = client.get(reverse("placements:placement_detail", kwargs={"org": placed.org(K.SCHOOL).slug,
                                                                       "pk": placement.pk}))
    monitoring = url("placement_monitoring", placed, pk=placement.pk)
    assert soup(detail).find("a", href=monitoring)
    rows = [r.get_text(" ", strip=True) for r in soup(client.get(monitoring)).select('[data-testid="windows"] tbody tr')]
    assert len(rows) == 2  # the placement started on 7 September: two half terms so far
    assert "18 Oct 2026" in rows[0] and "Visit overdue" in rows[0]
    assert "0 of 1" in rows[1] and "Visit due" in rows[1]
    submitted_visit(placed)
    rows = [r.get_text(" ", strip=True) for r in soup(client.get(monitoring)).select('[data-testid="windows"] tbody tr')]
    assert "Visited late" in rows[0] and "1 of 1" in rows[1] and "Visited" in rows[1]


def test_an_action_is_tracked_to_done(placed, login):
    visit = submitted_visit(placed)
    client = login(placed.user(K.SCHOOL, Role.PASTORAL))
    with scopes_disabled():
        action = VisitAction.objects.get(description=SCHOOL_ACTION)
    assert client.post(url("visit_action_done", placed, pk=action.pk)).status_code == 302
    with scopes_disabled():
        action.refresh_from_db()
    assert action.done_on == D(2026, 12, 3)
    assert "Done 3 Dec 2026" in client.get(url("visit_detail", placed, pk=visit.pk)).content.decode()


def test_the_visit_record_exports_as_a_pdf(placed, login):
    from pypdf import PdfReader

    visit = submitted_visit(placed)
    client = login(placed.user(K.SCHOOL, Role.AP_LEAD))
    response = client.get(url("visit_pdf", placed, pk=visit.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    compact = "".join(text.split())  # table cells wrap mid-word
    assert "visitrecord" in compact.lower() and "PupilA" in compact
    assert "".join(BEHAVIOUR.split()) in compact and "".join(PROVIDER_ACTION.split()) in compact


def _more_placements(world, count):
    with scopes_disabled():
        pupils = [PupilFactory(school=world.org(K.SCHOOL)) for _ in range(count)]
    for pupil in pupils:
        place(world, pupil=pupil)


def test_the_visits_list_costs_the_same_with_5_and_50_placements(placed, login):
    client = login(placed.user(K.SCHOOL, Role.AP_LEAD))
    page = url("visit_list", placed)

    def queries():
        client.get(page)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
        assert response.status_code == 200
        return len(captured), response

    _more_placements(placed, 4)
    services.visit_windows_open(now=NOW)
    at_5, response = queries()
    assert len(response.context["rows"]) == 5
    _more_placements(placed, 45)
    services.visit_windows_open(now=NOW)
    at_50, response = queries()
    assert len(response.context["rows"]) == 50
    assert at_50 == at_5


def test_dashboards_count_overdue_visits_and_link_to_exactly_them(placed, login):
    from tests.dashboards.conftest import path_of, read_dashboard, rows_listed

    # The first autumn window (2 September to 18 October) ended with no visit: overdue.
    with clock.frozen(clock.london(D(2026, 10, 1), dt.time(5, 30))):
        services.visit_windows_open(now=clock.now())
    for kind, role, label in ((K.SCHOOL, Role.HEADTEACHER, "Placements with a visit overdue"),
                              (K.LOCAL_AUTHORITY, Role.AP_OFFICER,
                               "Placements with a visit overdue in your area's schools")):
        client = login(placed.user(kind, role))
        dashboard = read_dashboard(client, placed.member(kind, role))
        value, href = next((v, h) for text, v, h in dashboard.figures if text == label)
        assert value == 1
        assert rows_listed(client.get(path_of(href))) == 1
    school = read_dashboard(login(placed.user(K.SCHOOL, Role.AP_LEAD)), placed.member(K.SCHOOL, Role.AP_LEAD))
    assert any(text.startswith("Visit PupilA") for text, _ in school.attention)


def test_a_visit_with_safeguarding_concerns_links_to_the_restricted_concern_form(placed, login):
    visit = submitted_visit(placed)
    with scopes_disabled():
        Visit.objects.filter(pk=visit.pk).update(safeguarding_concerns=True)
    client = login(placed.user(K.SCHOOL, Role.PASTORAL))
    page = soup(client.get(url("visit_detail", placed, pk=visit.pk)))
    concern = reverse("safeguarding:concern_create", kwargs={"org": placed.org(K.SCHOOL).slug,
                                                             "pk": placed.placements["a"].pk})
    assert page.find("a", href=concern)
