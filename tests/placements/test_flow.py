"""The whole path through the views with the test client: pupil → referral (draft, steps, check)
→ headteacher → provider → agreement by both → parents → active → LA sees it → ended."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from apcommission import clock
from notifications.models import Notification
from placements.models import (
    CommissioningAgreement,
    Placement,
    Pupil,
    PupilSensitive,
    Referral,
    State,
)
from placements.models.choices import RISK_INDICATORS
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

from .conftest import NOW


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


S = "/o/school-a"
P = "/o/provider-a"


def text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def post_ok(client, url, data, expect="redirect"):
    response = client.post(url, data)
    if expect == "redirect":
        assert response.status_code == 302, (url, response.status_code, text(response)[:3000])
    return response


def date_parts(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


STEP_DATA = {
    "reason": {"reason": "Disengaged; at risk of suspension.", "attendance_this_year": "81.5",
               "attendance_last_year": "88", "attendance_factors": "Anxiety"},
    "contacts": {"main_name": "Daniel Price", "main_position": "AP lead", "main_email": "ap@school.example",
                 "dsl_name": "Grace Mensah", "dsl_position": "DSL", "dsl_email": "dsl@school.example"},
    "transport": {"transport": "independent"},
    "safeguarding": {"recent_eha": "no", "violence_history": "no", "significant_harm": "no",
                     "substance_misuse": "yes", "risk_assessment_in_place": "yes",
                     "family_circumstances": "SENTINEL-FAMILY"},
    "risk": {f"risk_{key}": "never" for key, _ in RISK_INDICATORS},
    "academic": {"attending_mainstream": "yes", "other_ap": "no", "english_specification": "GCSE",
                 "english_target_grade": "5", "english_current_grade": "3", "other1_subject": "Engineering",
                 "other1_delivered_by": "Provider"},
    "about": {"strengths_interests": "Engines and football", "parents_aware": "yes", "parents_views": "Supportive",
              "pupil_aware": "yes", "pupil_views": "Keen"},
    "behaviour": {"attitude": "Good one to one", "strategies": "Calm space"},
    "sharing": {"share_basis": "consent", "shared_sections": ["academic", "about", "behaviour"]},
}


@pytest.fixture
def journey(signed_off, login, client):
    with clock.frozen(NOW):
        yield signed_off


def test_the_whole_path(journey, login, client, django_capture_on_commit_callbacks):
    world = journey
    ap_lead = world.user(K.SCHOOL, Role.AP_LEAD)
    login(ap_lead)

    # 1. The AP lead adds a pupil, their special-category record and a parent.
    response = post_ok(client, f"{S}/pupils/new/", {
        "first_name": "Jayden", "last_name": "Clarke", "preferred_name": "Jay", **date_parts("date_of_birth", dt.date(2011, 3, 14)),
        "year_group": "10", "gender": "male", "upn": "B801200005001", "first_language": "English",
    })
    with scopes_disabled():
        pupil = Pupil.objects.get(upn="B801200005001")
    pk = pupil.pk
    # Each part of the special-category record saves on its own.
    post_ok(client, f"{S}/pupils/{pk}/special-category/?section=sen-health", {
        "sen_provision": "sen_support", "sen_details": "SENTINEL-SEN dyslexia", "disabled": "no",
        "mental_health_referral": "no", "medication": "SENTINEL-MEDICATION"})
    post_ok(client, f"{S}/pupils/{pk}/special-category/?section=safeguarding", {
        "looked_after": "no", "child_protection": "no", "child_in_need": "yes", "private_fostering": "no",
        "youth_offending_service": "no"})
    post_ok(client, f"{S}/pupils/{pk}/special-category/?section=equality", {"ethnicity": "SENTINEL-ETHNIC"})
    post_ok(client, f"{S}/pupils/{pk}/parents/new/", {"name": "Kerry Clarke", "relationship": "Mother",
                                                       "phone": "07700 900123", "lives_with_pupil": "yes"})

    # 2. Referral: start, one page saved as a draft, then every page, then check your answers.
    with django_capture_on_commit_callbacks(execute=True):
        response = post_ok(client, f"{S}/referrals/new/", {"pupil": pk, "provider": world.org(K.PROVIDER).pk,
                                                           "registration_code": "B"})
    with scopes_disabled():
        placement = Placement.objects.get(pupil=pupil)
    base = f"{S}/placements/{placement.pk}"
    assert response["Location"] == f"{base}/referral/reason/"
    draft = post_ok(client, f"{base}/referral/reason/", {"reason": "Half an answer", "draft": "Save as draft"})
    assert draft["Location"] == f"{base}/"
    with scopes_disabled():
        assert Referral.objects.get(placement=placement).reason == "Half an answer"
    missing = client.post(f"{base}/referral/reason/", {"reason": ""})
    assert missing.status_code == 200 and "Enter the reason for the referral" in text(missing)
    for step, data in STEP_DATA.items():
        post_ok(client, f"{base}/referral/{step}/", data)
    check = client.get(f"{base}/referral/check/")
    assert check.status_code == 200
    assert "Incomplete" not in text(check) and "SENTINEL-MEDICATION" in text(check)
    with django_capture_on_commit_callbacks(execute=True):
        post_ok(client, f"{base}/referral/check/", {})
    with scopes_disabled():
        assert Notification.objects.filter(user=world.user(K.SCHOOL, Role.HEADTEACHER),
                                           topic="referral_decision").exists()

    # 3. The headteacher records the consultation and approves: the referral goes to the provider.
    login(world.user(K.SCHOOL, Role.HEADTEACHER))
    refused = client.post(f"{base}/decision/", {"decision": "approve", "consulted": ["consulted_pupil"]})
    assert refused.status_code == 400 and "Consult the pupil" in text(refused)
    with django_capture_on_commit_callbacks(execute=True):
        post_ok(client, f"{base}/decision/", {"decision": "approve", "consulted": [
            "consulted_pupil", "consulted_parents", "consulted_teacher"]})
    placement.refresh_from_db()
    assert placement.state == State.REFERRED

    # 4. The provider manager reads the shared sections and accepts.
    login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    inbox = client.get(f"{P}/placements/")
    assert "Clarke, Jayden" in text(inbox)
    pbase = f"{P}/placements/{placement.pk}"
    respond = client.get(f"{pbase}/respond/")
    # Medical needs keep the pupil safe (visibility table); the family circumstances stay with the DSL.
    assert "SENTINEL-MEDICATION" in text(respond) and "SENTINEL-FAMILY" not in text(respond)
    with django_capture_on_commit_callbacks(execute=True):
        post_ok(client, f"{pbase}/respond/", {"response": "accept"})
    placement.refresh_from_db()
    assert placement.state == State.ACCEPTED and placement.initial_assessment_due == NOW.date() + dt.timedelta(days=7)
    post_ok(client, f"{pbase}/initial-assessment/", {**date_parts("done_on", NOW.date()), "summary": "Entry 3"})

    # 5. The school writes the agreement; both sides agree it.
    login(ap_lead)
    post_ok(client, f"{base}/agreement/edit/", {
        "rationale": "Vocational route", "pupil_profile": "Practical", **date_parts("start_date", NOW.date()),
        **date_parts("planned_end_date", NOW.date() + dt.timedelta(weeks=12)), "home_school_hours": "10",
        "assessment_method": "Half-termly review", "school_lead": ap_lead.pk,
        **date_parts("next_visit_on", NOW.date() + dt.timedelta(days=14)),
    })
    post_ok(client, f"{base}/agreement/targets/new/", {"target": "95% attendance", "support_from_school": "Check-ins",
                                                        "support_from_provider": "Daily register"})
    for day in ("0", "2"):
        post_ok(client, f"{base}/agreement/sessions/new/", {"weekday": day, "part": "am", "start_time": "09:00",
                                                            "end_time": "12:00", "site": "Workshop"})
    page = client.get(f"{base}/agreement/")
    assert "Part-time timetable: 16 hours a week in total, 9 hours below the 25 hours expected" in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        post_ok(client, f"{base}/agreement/agree/", {})
    login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    with django_capture_on_commit_callbacks(execute=True):
        post_ok(client, f"{pbase}/agreement/agree/", {})
    placement.refresh_from_db()
    assert placement.state == State.AGREED
    assert (placement.weekly_hours, placement.total_weekly_hours, placement.part_time) == (6, 16, True)

    # 6. Parents' agreement, then the school starts the placement: the LA is told and sees it.
    login(ap_lead)
    post_ok(client, f"{base}/parental-agreement/", {"method": "typed", "signed_by_name": "Kerry Clarke",
                                                    "relationship": "Mother", **date_parts("signed_on", NOW.date()),
                                                    "consent_to_share": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        post_ok(client, f"{base}/start/", {})
    placement.refresh_from_db()
    assert placement.state == State.ACTIVE
    la_officer = world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER)
    with scopes_disabled():
        assert Notification.objects.filter(user=la_officer, topic="placement_started").exists()
    login(la_officer)
    area = client.get("/o/la-a/area/children-in-ap/")
    assert area.status_code == 200
    body = text(area)
    assert "Clarke, Jayden" in body and "Provider A" in body and "Part-time" in body
    for secret in ("SENTINEL-MEDICATION", "SENTINEL-SEN", "SENTINEL-ETHNIC", "SENTINEL-FAMILY", "Child in need"):
        assert secret not in body

    # 7. The school ends it, with the final report and the pupil's view.
    login(ap_lead)
    post_ok(client, f"{base}/end/", {**date_parts("ended_on", NOW.date()), "end_reason": "reintegrated",
                                     "destination": "reintegration", "final_attainment": "Entry 3 to L1",
                                     "pupil_view": "Liked the workshop"})
    placement.refresh_from_db()
    assert placement.state == State.ENDED and placement.pupil_view == "Liked the workshop"
    timeline = text(client.get(f"{base}/"))
    for step in ("Referral to Provider A started", "Referral sent to the provider", "Referral accepted",
                 "Placement agreed", "Placement started", "Placement ended"):
        assert step in timeline
    with scopes_disabled():
        assert CommissioningAgreement.objects.filter(placement=placement).count() == 1
        assert PupilSensitive.objects.filter(pupil=pupil).exists()


def test_headteacher_can_return_a_referral(journey, login, client):
    from placements.factories import placement_in_state

    world = journey
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="draft",
                                   now=NOW, submitted=True)
    login(world.user(K.SCHOOL, Role.HEADTEACHER))
    post_ok(client, f"{S}/placements/{placement.pk}/decision/", {"decision": "return", "notes": "Talk to me"})
    with scopes_disabled():
        referral = Referral.objects.get(placement=placement)
    assert referral.submitted_at is None and referral.approved_at is None
    placement.refresh_from_db()
    assert placement.state == State.DRAFT


def test_special_category_views_are_audited(journey, login, client):
    from placements.factories import PupilSensitiveFactory

    world = journey
    pupil = world.pupils["a"]
    PupilSensitiveFactory(pupil=pupil, medication="Inhaler")
    login(world.user(K.SCHOOL, Role.DSL))
    page = client.get(f"{S}/pupils/{pupil.pk}/")
    assert "Inhaler" in text(page)
    with scopes_disabled():
        event = AuditEvent.objects.latest("pk")
    assert event.action == "view" and "special-category" in event.detail
    # The exams officer reads identity, education and access arrangements only.
    login(world.user(K.SCHOOL, Role.EXAMS_OFFICER))
    assert "Inhaler" not in text(client.get(f"{S}/pupils/{pupil.pk}/"))
    # Pastoral staff read medical needs to support the pupil, but may not change the record.
    login(world.user(K.SCHOOL, Role.PASTORAL))
    assert "Inhaler" in text(client.get(f"{S}/pupils/{pupil.pk}/"))
    assert client.get(f"{S}/pupils/{pupil.pk}/special-category/").status_code == 403


def test_parents_signed_contract_upload_and_audited_download(journey, login, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from placements.factories import placement_in_state
    from placements.models import ParentalAgreement

    world = journey
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="accepted", now=NOW)
    login(world.user(K.SCHOOL, Role.AP_LEAD))
    url = f"{S}/placements/{placement.pk}/parental-agreement/"
    bad = client.post(url, {"method": "upload", "signed_by_name": "Kerry", **date_parts("signed_on", NOW.date()),
                            "consent_to_share": "yes",
                            "signed_copy": SimpleUploadedFile("contract.exe", b"MZ", "application/octet-stream")})
    assert bad.status_code == 200 and "The selected file must be a PDF, JPG or PNG" in text(bad)
    missing = client.post(url, {"method": "upload", "signed_by_name": "Kerry", **date_parts("signed_on", NOW.date()),
                                "consent_to_share": "yes"})
    assert "Upload the signed contract" in text(missing)
    post_ok(client, url, {"method": "upload", "signed_by_name": "Kerry Clarke", **date_parts("signed_on", NOW.date()),
                          "consent_to_share": "yes", "information_shared": "SEN details and risk assessment",
                          "signed_copy": SimpleUploadedFile("contract.pdf", b"%PDF-1.4 signed", "application/pdf")})
    with scopes_disabled():
        record = ParentalAgreement.objects.filter(placement=placement).latest("pk")
    download = client.get(f"{S}/placements/{placement.pk}/parental-agreement/{record.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="download", object_id=str(record.pk)).exists()
    # The provider never sees the parents' contract.
    login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    assert client.get(f"{P}/placements/{placement.pk}/parental-agreement/{record.pk}/file/").status_code == 403


def test_schools_commissioning_lists_schools_with_agreed_or_running_placements(journey):
    from placements.factories import placement_in_state
    from placements.selectors import schools_commissioning

    world = journey
    placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="referred", now=NOW)
    assert list(schools_commissioning(provider=world.org(K.PROVIDER))) == []
    placement_in_state(pupil=world.pupils["b"], provider=world.org(K.PROVIDER), state="active", now=NOW)
    assert list(schools_commissioning(provider=world.org(K.PROVIDER))) == [world.org(K.SCHOOL, "b")]
