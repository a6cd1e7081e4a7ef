"""The signing pages and the PDF report, through the test client (issue 13 items 5, 6): each side
signs on its own page with GOV.UK errors; the report reads back with every standard, the plan and
both signatures; who may download it (the LA, the provider, a school only once shared)."""

from __future__ import annotations

import io

from bs4 import BeautifulSoup
from django.urls import reverse
from pypdf import PdfReader

from qa_framework.models import QAVisit, VisitState
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

from .qasign_helpers import completed_visit


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_both_sides_sign_on_their_pages_and_the_report_reads_back(world, login):
    visit = completed_visit(world)
    officer = world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER)
    manager = world.user(K.PROVIDER, Role.PROVIDER_MANAGER)
    la = login(officer)
    url = reverse("qa_framework:visit_sign_owner", kwargs={"org": "la-a", "pk": visit.pk})
    report_page = reverse("qa_framework:visit_report", kwargs={"org": "la-a", "pk": visit.pk})
    links = BeautifulSoup(la.get(report_page).content, "html.parser")
    assert links.find("a", string="Sign the report")["href"] == url
    assert links.find("a", string="Download the report (PDF)")
    page = BeautifulSoup(la.post(url, {"typed_name": "Wrong Person", "position": "", "confirm": ""}).content,
                         "html.parser")
    summary = page.select_one(".govuk-error-summary").get_text()
    assert "Enter your position" in summary and "Confirm that you are authorised" in summary
    assert la.post(url, {"typed_name": "Wrong Person", "position": "QA officer", "confirm": "on"}).status_code == 200
    assert la.post(url, {"typed_name": officer.full_name, "position": "QA officer", "confirm": "on"}).status_code == 302
    assert "waiting for the other side" in la.get(url).content.decode()

    assert "Sign the report" not in la.get(report_page).content.decode()  # the LA has signed
    provider = login(manager)
    url = reverse("qa_framework:visit_sign_provider", kwargs={"org": "provider-a", "pk": visit.pk})
    page = provider.get(reverse("qa_framework:visit_report", kwargs={"org": "provider-a", "pk": visit.pk}))
    links = BeautifulSoup(page.content, "html.parser")
    assert links.find("a", string="Sign the report")["href"] == url
    assert f"by {officer.full_name}, QA officer" in links.get_text()
    assert provider.post(url, {"typed_name": manager.full_name, "position": "Manager", "confirm": "on"}).status_code == 302
    with scopes_disabled():
        visit = QAVisit._base_manager.get(pk=visit.pk)
    assert visit.state == VisitState.SIGNED
    text = _pdf_text(provider.get(reverse("qa_framework:visit_report_pdf", kwargs={"org": "provider-a", "pk": visit.pk})))
    for expected in ("QA visit report: Provider A", "SENTINEL-OVERVIEW", "1a", "5d", "Evidence for 3f",
                     "Improvement plan", "Safeguarding records", officer.full_name, manager.full_name,
                     "Met all standards"):
        assert expected in text, expected
    assert visit.content_hash[:16] in text.replace("\n", "")
    with scopes_disabled():
        assert AuditEvent._base_manager.filter(detail="QA visit report PDF").exists()


def test_who_downloads_the_report(world, login):
    visit = completed_visit(world)
    report = "qa_framework:visit_report_pdf"
    assert login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER)).get(
        reverse(report, kwargs={"org": "la-a", "pk": visit.pk})).status_code == 200
    assert login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER)).get(
        reverse(report, kwargs={"org": "provider-a", "pk": visit.pk})).status_code == 200
    # Completed, not shared (and not signed): a school of the LA gets nothing; nor do other LAs.
    assert login(world.user(K.SCHOOL, Role.HEADTEACHER)).get(
        reverse(report, kwargs={"org": "school-a", "pk": visit.pk})).status_code == 404
    assert login(world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER, "b")).get(
        reverse(report, kwargs={"org": "la-b", "pk": visit.pk})).status_code == 404
    assert login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER, "b")).get(
        reverse(report, kwargs={"org": "provider-b", "pk": visit.pk})).status_code == 404
