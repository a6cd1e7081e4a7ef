"""Termly report pages: the provider drafts and submits (GOV.UK errors, commentary below 100 %),
who reads what (sentinel strings per role: the school with the education group reads the report,
other schools, other providers, trusts and LAs read nothing), the school acknowledges (403 for a
role without record_visits), the PDF read back, the weekly behaviour update and the dashboards."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from apcommission import clock
from monitoring import reports_services
from monitoring.models import BehaviourUpdate, ReportState, TermlyReport
from placements.models import Placement
from tenancy.roles import ROLE_CAPABILITIES, ROLE_KINDS, Capability, Role
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope, scopes_disabled
from tests.dashboards.conftest import read_dashboard

from .conftest import OPENING, D, calendars, place

NOW = clock.london(D(2026, 12, 8), dt.time(14, 0))
BEHAVIOUR = "SENTINEL-BEHAVIOUR calm in workshops"
COMMENTARY = "SENTINEL-COMMENTARY two days ill"
UPDATE = "SENTINEL-UPDATE a better week"


def _set_up(world):
    calendars(world)
    world.placements["a"] = place(world)
    reports_services.termly_reports_open(now=OPENING)
    return world


@pytest.fixture
def placed(world):
    with clock.frozen(NOW):
        yield _set_up(world)


def url(name, world, kind=K.SCHOOL, side="a", **kwargs):
    return reverse(f"monitoring:{name}", kwargs={"org": world.org(kind, side).slug, **kwargs})


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def the_report() -> TermlyReport:
    """School a's pupil's report (school c's placement at provider a has its own)."""
    with scopes_disabled():
        return TermlyReport.objects.get(placement__pupil__first_name="PupilA")


def form_data(**answers):
    data = {"attendance_percent": "92.5", "attendance_commentary": COMMENTARY, "punctuality": "On time",
            "attitude": "Keen", "engagement": "Good", "behaviour": BEHAVIOUR, "skills_covered": "Welding",
            "qualification_progress": "Unit 3", "next_targets": "Level 2", "other_comments": "",
            "target_0": "Attending well"}
    data.update(answers)
    return data


def submitted(world):
    report = the_report()
    provider = world.org(K.PROVIDER)
    with scope(organisation=provider):
        targets = [(t, "Attending well") for t in ["95% attendance at the provider"]]
        return reports_services.report_save(
            report=report, by=world.user(K.PROVIDER, Role.PROVIDER_STAFF), organisation=provider, now=NOW,
            submit=True, values={**{k: v for k, v in form_data().items() if not k.startswith("target_")},
                                 "attendance_percent": 92.5, "target_progress": targets})


def test_only_the_providers_manager_and_staff_write_reports():
    writers = {role for role, caps in ROLE_CAPABILITIES.items() if Capability.WRITE_PROVIDER_REPORTS in caps}
    assert writers == {Role.PROVIDER_MANAGER, Role.PROVIDER_STAFF}
    assert writers <= ROLE_KINDS[K.PROVIDER]


def test_provider_staff_draft_then_submit_with_errors_naming_each_answer(placed, login):
    client = login(placed.user(K.PROVIDER, Role.PROVIDER_STAFF))
    edit = url("report_edit", placed, K.PROVIDER, pk=the_report().pk)
    page = soup(client.get(edit))
    assert "95% attendance at the provider" in page.get_text()  # the agreement's target, to report against
    draft = client.post(edit, {"draft": "Save and come back later", "behaviour": BEHAVIOUR})
    assert draft.status_code == 302 and the_report().state == ReportState.DRAFT

    refused = client.post(edit, form_data(attendance_commentary="", target_0=""))
    assert refused.status_code == 400
    summary = soup(refused).select_one(".govuk-error-summary").get_text()
    for message in ("Enter a commentary on attendance, as it is below 100%", "Enter the progress against target 1"):
        assert message in summary
    assert the_report().state == ReportState.DRAFT

    done = client.post(edit, form_data())
    assert done.status_code == 302
    report = the_report()
    assert report.state == ReportState.SUBMITTED and report.target_progress == [
        {"target": "95% attendance at the provider", "progress": "Attending well"}]
    assert client.get(edit).status_code == 302  # a submitted report does not change


def test_who_reads_the_report(shared_provider_world, login):
    with clock.frozen(NOW):
        placed = _set_up(shared_provider_world)
    report = submitted(placed)
    readers = {Role.HEADTEACHER, Role.AP_LEAD, Role.PASTORAL, Role.DSL, Role.SENCO, Role.EXAMS_OFFICER}
    for role in sorted(ROLE_KINDS[K.SCHOOL]):
        client = login(placed.user(K.SCHOOL, role))
        response = client.get(url("report_detail", placed, pk=report.pk))
        text = response.content.decode()
        assert (BEHAVIOUR in text) == (role in readers), role
        # Attendance commentary: the roles that read attendance (the exams officer does not).
        assert (COMMENTARY in text) == (role in (readers - {Role.EXAMS_OFFICER}) | {Role.ATTENDANCE_OFFICER}), role
    for role in (Role.PROVIDER_MANAGER, Role.PROVIDER_STAFF):
        assert BEHAVIOUR in login(placed.user(K.PROVIDER, role)).get(
            url("report_detail", placed, K.PROVIDER, pk=report.pk)).content.decode()
    outsiders = [(K.SCHOOL, Role.AP_LEAD, "b"), (K.PROVIDER, Role.PROVIDER_MANAGER, "b"),
                 (K.SCHOOL, Role.AP_LEAD, "c"), (K.TRUST, Role.TRUST_EXECUTIVE, "a"),
                 (K.LOCAL_AUTHORITY, Role.AP_OFFICER, "a")]
    for kind, role, side in outsiders:
        client = login(placed.user(kind, role, side))
        for name in ("report_detail", "report_pdf"):
            response = client.get(url(name, placed, kind, side, pk=report.pk))
            assert response.status_code in (403, 404), (kind, role, side, name)
            assert BEHAVIOUR.encode() not in response.content
        listing = client.get(url("report_list", placed, kind, side, pk=placed.placements["a"].pk))
        assert listing.status_code in (403, 404)


def test_the_school_reads_no_report_before_it_is_submitted(placed, login):
    client = login(placed.user(K.SCHOOL, Role.AP_LEAD))
    assert client.get(url("report_detail", placed, pk=the_report().pk)).status_code == 404
    listing = client.get(url("report_list", placed, pk=placed.placements["a"].pk))
    assert "No termly reports yet" in listing.content.decode()


def test_the_school_acknowledges_and_other_roles_cannot(placed, login):
    report = submitted(placed)
    ack = url("report_acknowledge", placed, pk=report.pk)
    assert login(placed.user(K.SCHOOL, Role.DSL)).post(ack, {"comment": "Seen"}).status_code == 403
    assert login(placed.user(K.PROVIDER, Role.PROVIDER_MANAGER)).post(
        url("report_acknowledge", placed, K.PROVIDER, pk=report.pk), {}).status_code == 403
    assert the_report().state == ReportState.SUBMITTED
    pastoral = placed.user(K.SCHOOL, Role.PASTORAL)
    response = login(pastoral).post(ack, {"comment": "Thank you, seen at the review"})
    assert response.status_code == 302
    report = the_report()
    assert (report.state, report.acknowledged_by, report.acknowledgement_comment) == (
        ReportState.ACKNOWLEDGED, pastoral, "Thank you, seen at the review")
    again = login(pastoral).post(ack, {"comment": ""})
    assert again.status_code == 400
    assert "already been acknowledged" in soup(again).select_one(".govuk-error-summary").get_text()
    provider_view = login(placed.user(K.PROVIDER, Role.PROVIDER_MANAGER)).get(
        url("report_detail", placed, K.PROVIDER, pk=report.pk)).content.decode()
    assert "Thank you, seen at the review" in provider_view


def test_the_report_exports_as_a_pdf(placed, login):
    from pypdf import PdfReader

    report = submitted(placed)
    response = login(placed.user(K.SCHOOL, Role.AP_LEAD)).get(url("report_pdf", placed, pk=report.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("termly report", "PupilA", "SENTINEL-BEHAVIOUR", "SENTINEL-COMMENTARY",
                     "95% attendance at the provider"):
        assert expected in text, expected
    attendance_only = login(placed.user(K.SCHOOL, Role.ATTENDANCE_OFFICER)).get(url("report_pdf", placed, pk=report.pk))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(attendance_only.content)).pages)
    assert "SENTINEL-COMMENTARY" in text and "SENTINEL-BEHAVIOUR" not in text


def test_a_weekly_behaviour_update_is_sent_and_the_school_reads_it(placed, login):
    with scopes_disabled():
        Placement.objects.filter(pk=placed.placements["a"].pk).update(state="emergency_review")
    staff = login(placed.user(K.PROVIDER, Role.PROVIDER_STAFF))
    dashboard = read_dashboard(staff, placed.member(K.PROVIDER, Role.PROVIDER_STAFF))
    create = url("behaviour_update_create", placed, K.PROVIDER, pk=placed.placements["a"].pk)
    assert any(href == create for _, href in dashboard.attention)
    empty = staff.post(create, {"text": ""})
    assert empty.status_code == 400
    assert staff.post(create, {"text": UPDATE}).status_code == 302
    with scopes_disabled():
        assert BehaviourUpdate.objects.get().text == UPDATE
    listing = url("report_list", placed, pk=placed.placements["a"].pk)
    assert UPDATE in login(placed.user(K.SCHOOL, Role.PASTORAL)).get(listing).content.decode()
    assert UPDATE not in login(placed.user(K.SCHOOL, Role.ATTENDANCE_OFFICER)).get(listing).content.decode()


def test_the_dashboards_list_reports_to_write_and_to_acknowledge(placed, login):
    staff = placed.member(K.PROVIDER, Role.PROVIDER_STAFF)
    with clock.frozen(NOW):
        attention = read_dashboard(login(staff.user), staff).attention
    edit = url("report_edit", placed, K.PROVIDER, pk=the_report().pk)
    assert any(href == edit and text.startswith("Write the termly report on PupilA") for text, href in attention)
    report = submitted(placed)
    lead = placed.member(K.SCHOOL, Role.AP_LEAD)
    with clock.frozen(NOW):
        attention = read_dashboard(login(lead.user), lead).attention
        assert any(href == url("report_acknowledge", placed, pk=report.pk) for _, href in attention)
        attention = read_dashboard(login(staff.user), staff).attention
    assert not any(href == edit for _, href in attention)
