"""The provider's own pages: profile, registration, pupils, courses, staff register, KCSIE."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from providers.models import (
    DeclaredPupilGroup,
    KcsieConfirmation,
    Offer,
    ProviderProfile,
    StaffMember,
    StaffVetting,
)
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope

from .conftest import add_staff, manager, profile, upload


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


def url(name, **kw):
    return reverse(f"providers:{name}", kwargs={"org": "provider-a", **kw})


@pytest.fixture
def mgr(world, login):
    return login(manager(world))


def errors(response):
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one(".govuk-error-summary")
    return [a.get_text(strip=True) for a in summary.select("a")] if summary else []


def in_scope(world, model, **filters):
    with scope(organisation=world.org(K.PROVIDER)):
        return list(model.objects.filter(**filters))


def date(prefix, d):
    return {f"{prefix}_0": str(d.day), f"{prefix}_1": str(d.month), f"{prefix}_2": str(d.year)}


PROFILE = {
    "legal_name": "Pathways Learning Ltd", "entity_type": "company_guarantee", "company_number": "08123456",
    "overview": "Small-group vocational learning.", "address": "Unit 4, Mill Lane\nNorthtown", "postcode": "ns2 7lp",
    "website": "https://pathways.example.org", "social_media": "https://www.instagram.com/pathways\n",
    "contact_name": "Kwame Asante", "contact_phone": "01632 960001", "contact_email": "kwame@pathways.example",
    "dsl_name": "Joanne Reid", "dsl_phone": "01632 960002", "dsl_email": "jo@pathways.example",
    **date("dsl_trained_on", dt.date(2026, 3, 1)),
    "deputy_dsl_name": "Ellie Turner", "deputy_dsl_phone": "01632 960003", "deputy_dsl_email": "ellie@pathways.example",
    **date("deputy_dsl_trained_on", dt.date(2026, 3, 1)),
    "team_teach": "yes", "team_teach_detail": "Team Teach level 2", "send_suitable": "yes", "send_detail": "SEMH, ASD",
    "capacity": "12", "age_from": "13", "age_to": "16",
}


def test_empty_profile_shows_every_error_in_the_summary(mgr, world):
    response = mgr.post(url("profile_edit"), {})
    found = errors(response)
    for message in ("Enter the legal name", "Select the legal entity type", "Enter the postcode",
                    "Enter the DSL training date", "Select yes if you have staff trained in Team Teach or an equivalent",
                    "Enter the name of the deputy DSL"):
        assert message in found
    assert response.content.decode().count("<title>Error:") == 1
    assert in_scope(world, ProviderProfile, updated_at__isnull=False) == []


def test_profile_cross_field_errors(mgr):
    response = mgr.post(url("profile_edit"), {**PROFILE, "company_number": "", "age_from": "17", "age_to": "12",
                                                 "social_media": "not a link"})
    found = errors(response)
    assert "Enter the company number" in found
    assert "The oldest age must be the same as or more than the youngest age" in found
    assert any(m.startswith("Enter each social media link") for m in found)


def test_profile_is_saved_and_audited(mgr, world):
    response = mgr.post(url("profile_edit"), PROFILE)
    assert response.status_code == 302, errors(response)
    [saved] = in_scope(world, ProviderProfile)
    assert saved.legal_name == "Pathways Learning Ltd" and saved.postcode == "NS2 7LP"
    assert saved.team_teach is True and saved.send_suitable is True and saved.dsl_trained_on == dt.date(2026, 3, 1)
    assert saved.missing_fields == []
    with scope(organisation=world.org(K.PROVIDER)):
        assert AuditEvent.objects.filter(detail__startswith="profile:").exists()
    page = mgr.get(url("pack")).content.decode()
    assert "Pathways Learning Ltd" in page and "Change profile" in page


def test_registered_school_needs_urn_and_judgement(mgr, world):
    profile(world)
    response = mgr.post(url("registration_edit"), {"registration_status": "registered"})
    assert errors(response) == ["Enter your DfE URN", "Select your latest Ofsted judgement"]
    response = mgr.post(url("registration_edit"), {"registration_status": "registered", "dfe_urn": "123456",
                                                      "ofsted_judgement": "good", **date("ofsted_judged_on", dt.date(2025, 5, 1))})
    assert response.status_code == 302
    assert in_scope(world, ProviderProfile)[0].is_registered
    from providers.selectors import provider_is_registered

    with scope(organisation=world.org(K.SCHOOL)):  # what the placements flow asks
        assert provider_is_registered(provider=world.org(K.PROVIDER))


def test_pupil_groups_update_the_registration_answer(mgr, world):
    response = mgr.post(url("pupil_group_add"), {"description": "KS4 full time", "pupils": "4", "weekly_hours": "22",
                                                    "compulsory_school_age": "yes", "looked_after": "5", "with_ehcp": "0"})
    assert "The number of looked-after pupils must not be more than the number of pupils" in errors(response)
    mgr.post(url("pupil_group_add"), {"description": "KS4 full time", "pupils": "4", "weekly_hours": "22",
                                         "compulsory_school_age": "yes", "looked_after": "0", "with_ehcp": "0"})
    assert not in_scope(world, ProviderProfile)[0].registration_required
    mgr.post(url("pupil_group_add"), {"description": "One more", "pupils": "1", "weekly_hours": "18.5",
                                         "compulsory_school_age": "yes", "looked_after": "0", "with_ehcp": "0"})
    assert in_scope(world, ProviderProfile)[0].registration_required
    group = in_scope(world, DeclaredPupilGroup, description="One more")[0]
    assert mgr.post(url("pupil_group_remove", pk=group.pk)).status_code == 302
    assert not in_scope(world, ProviderProfile)[0].registration_required


@pytest.mark.parametrize("data,message", [
    ({"full_time_weeks": "13"}, "Full-time placements are up to 12 weeks"),
    ({"part_time_days": "3"}, "Longer-term part-time placements are up to 2 days a week"),
    ({}, "Enter the full-time length in weeks, the part-time days a week, or both"),
    ({"part_time_days": "2", "session_start": "15:00", "session_end": "09:00"}, "The session must end after it starts"),
])
def test_offer_rules(mgr, world, data, message):
    base = {"title": "Motor vehicle", "subject": "motor_vehicle", "expected_outcome": "L1", "qualification_level": "1",
            "days": ["tue"], "cost_per_day": "85"}
    response = mgr.post(url("offer_add"), {**base, **data})
    assert message in errors(response)
    assert in_scope(world, Offer) == []


def test_offer_add_edit_remove(mgr, world):
    data = {"title": "Motor vehicle", "subject": "motor_vehicle", "expected_outcome": "Level 1 certificate",
            "qualification": "IMI Level 1", "qualification_level": "1", "full_time_weeks": "12", "part_time_days": "2",
            "days": ["tue", "thu"], "session_start": "09:15", "session_end": "15:00", "cost_per_session": "45",
            "cost_per_day": "85"}
    assert mgr.post(url("offer_add"), data).status_code == 302
    [offer] = in_scope(world, Offer)
    assert offer.days == ["Tuesday", "Thursday"] and offer.full_time_weeks == 12
    assert mgr.get(url("offer_edit", pk=offer.pk)).status_code == 200
    assert mgr.post(url("offer_edit", pk=offer.pk), {**data, "days": ["mon"]}).status_code == 302
    assert in_scope(world, Offer)[0].days == ["Monday"]
    assert mgr.post(url("offer_remove", pk=offer.pk)).status_code == 302
    assert in_scope(world, Offer) == []


STAFF = {"full_name": "Ellie Turner", "job_title": "Tutor", "is_manager": "no", "dbs_enhanced": "yes",
         "dbs_certificate_number": "0012 3456 7890", **date("dbs_issued_on", dt.date(2025, 1, 10)),
         "dbs_update_service": "yes", **date("dbs_status_checked_on", dt.date(2026, 9, 1)),
         **date("barred_list_checked_on", dt.date(2025, 1, 10)), **date("right_to_work_checked_on", dt.date(2025, 1, 5)),
         "training_level": "2", **date("trained_on", dt.date(2026, 9, 1)), "team_teach": "yes",
         "qualifications": "Level 3 Award in Education and Training"}


def test_staff_record_validation(mgr, world):
    response = mgr.post(url("staff_add"), {"full_name": "X", "job_title": "Y", "is_manager": "no", "dbs_enhanced": "yes",
                                              "dbs_update_service": "no", "team_teach": "no", "training_level": "2",
                                              **date("barred_list_checked_on", dt.date(2030, 1, 1))})
    found = errors(response)
    assert "Enter the DBS certificate number" in found and "Enter the DBS certificate issue date" in found
    assert "Enter the safeguarding training date" in found
    assert "Children's barred list check date must be today or in the past" in found
    assert in_scope(world, StaffMember) == []


def test_staff_record_saved_with_due_dates(mgr, world):
    assert mgr.post(url("staff_add"), STAFF).status_code == 302
    [person] = in_scope(world, StaffMember)
    vetting = in_scope(world, StaffVetting)[0]
    assert person.dbs_certificate_number == "001234567890"
    assert vetting.dbs_due_on == dt.date(2027, 9, 1)  # update service: a year after the last status check
    assert vetting.training_due_on == dt.date(2027, 9, 1)
    response = mgr.post(url("staff_edit", pk=person.pk), {**STAFF, "is_manager": "yes"})
    assert response.status_code == 302
    vetting.refresh_from_db()
    assert vetting.is_manager and not vetting.training_level_ok  # a manager needs level 3


def test_kcsie_confirmation_records_who_and_when(mgr, world):
    add_staff(world)
    add_staff(world, full_name="Second")
    response = mgr.post(url("kcsie_confirm"), {"job_title": "Centre manager"})
    assert "Confirm that your staff checks meet Keeping Children Safe in Education" in errors(response)
    assert mgr.post(url("kcsie_confirm"), {"job_title": "Centre manager", "confirm": "on"}).status_code == 302
    [confirmation] = in_scope(world, KcsieConfirmation)
    assert confirmation.confirmed_by == manager(world) and confirmation.staff_count == 2
    assert confirmation.confirmed_by_role == "Centre manager" and "Keeping Children Safe in Education" in confirmation.statement


def test_pack_page_shows_the_compliance_at_a_glance(mgr, world):
    profile(world)
    upload(world)
    page = mgr.get(url("pack")).content.decode()
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one(".govuk-summary-card .govuk-tag").get_text() == "Missing or expired"
    assert "Anti-bullying policy: missing" in page
    assert "Download" in page and "Replace" in page


def test_other_provider_roles_cannot_manage_the_pack(world, login):
    from tenancy.roles import Role

    for role in (Role.PROVIDER_STAFF, Role.PROVIDER_DSL, Role.ORG_ADMIN):
        assert login(world.user(K.PROVIDER, role)).get(url("pack")).status_code == 403
