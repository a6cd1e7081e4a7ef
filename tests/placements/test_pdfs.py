"""Commissioning agreement and referral PDFs come from the same rendering service as SLAs."""

import datetime as dt
import io
import re

from pypdf import PdfReader

from placements.factories import placement_in_state
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope

NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)


def _text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged PDF
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_agreement_pdf_has_hours_timetable_and_is_audited(world, login):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="agreed", now=NOW)
    client = login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    text = _text(client.get(f"/o/provider-a/placements/{placement.pk}/agreement/pdf/"))
    assert "Commissioning agreement for PupilA" in text
    assert "School A" in text and "Provider A" in text
    assert "Full-time entitlement" in text and "Total" in text
    assert "Monday" in text and "Friday" in text
    with scope(organisation=world.org(K.PROVIDER)):
        assert AuditEvent.objects.filter(action="export").count() == 1


def test_provider_referral_pdf_leaves_out_what_it_may_not_read(world, login):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="referred", now=NOW)
    manager = login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    text = _text(manager.get(f"/o/provider-a/placements/{placement.pk}/referral/pdf/"))
    assert "Reason for referral and attendance" in text
    # Ethnicity and religion are not shared by default; safeguarding status is held by the DSL.
    assert "Ethnicity and religion" not in text
    assert "Safeguarding and risk (special category)" in text and "Held by the DSL" in text
    with scope(organisation=world.org(K.PROVIDER)):
        event = AuditEvent.objects.get(action="export")
    # Medical and SEN needs are on it (visibility table): the export is audited as special category.
    assert event.detail == "PDF including special-category sections"


def test_school_referral_pdf_has_every_section(world, login):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="referred", now=NOW)
    lead = login(world.user(K.SCHOOL, Role.AP_LEAD))
    text = _text(lead.get(f"/o/school-a/placements/{placement.pk}/referral/pdf/"))
    assert "Ethnicity and religion" in text and "Withheld" not in text
    with scope(organisation=world.org(K.SCHOOL)):
        assert AuditEvent.objects.get(action="export").detail == "PDF including special-category sections"
