"""A school's suitability check of a provider (seed 002), sign-off and currency."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from providers.models import (
    ALWAYS_APPLICABLE,
    SUITABILITY_DOCUMENTS,
    CheckStatus,
    SuitabilityCheck,
    SuitabilityCheckItem,
    SuitabilityItem,
)
from providers.selectors import suitability_signoff_current
from providers.services import (
    pupil_group_add,
    suitability_answers_save,
    suitability_check_start,
    suitability_signoff,
)
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW, TODAY, manager, profile


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


def all_met(*, justified=True):
    """Every check met with evidence; where the (empty) pack lacks the document, justified."""
    return {item: ("met", f"Seen on visit: {item}",
                   "Current copy seen on the set-up visit" if justified and item in SUITABILITY_DOCUMENTS else "")
            for item in SuitabilityItem.values}


@pytest.fixture
def school(world):
    return world.org(K.SCHOOL)


@pytest.fixture
def lead(world):
    return world.user(K.SCHOOL, Role.AP_LEAD)


def start(world, school, lead, answers=None, now=NOW):
    with scope(organisation=school):
        check = suitability_check_start(school=school, provider=world.org(K.PROVIDER), by=lead, now=now)
        if answers:
            suitability_answers_save(check=check, answers=answers, by=lead, now=now)
        return check


def test_signoff_needs_every_item_answered_with_evidence(world, school, lead):
    check = start(world, school, lead, {"legal_entity": ("met", "Companies House 01234567")})
    with scope(organisation=school), pytest.raises(ValidationError) as exc:
        suitability_signoff(check=check, by=lead, job_title="AP lead", now=NOW)
    assert "Answer every check: 25 not answered yet" in exc.value.messages


def test_signoff_refuses_not_met_and_not_applicable_where_it_always_applies(world, school, lead):
    answers = all_met()
    answers["careers"] = ("not_met", "No careers programme")
    answers["insurance"] = ("not_applicable", "")
    answers["pupil_voice"] = ("not_applicable", "")
    answers["induction"] = ("met", "")
    check = start(world, school, lead, answers)
    with scope(organisation=school), pytest.raises(ValidationError) as exc:
        suitability_signoff(check=check, by=lead, job_title="AP lead", now=NOW)
    messages = exc.value.messages
    assert any(m.startswith("Not met: Careers") for m in messages)
    assert any(m.startswith("This check always applies: Public liability") for m in messages)
    assert any(m.startswith("Say why this does not apply: Pupils can share") for m in messages)
    assert any(m.startswith("Record the evidence for: A good pupil induction") for m in messages)
    assert "insurance" in ALWAYS_APPLICABLE


def test_a_check_met_while_the_pack_lacks_its_document_needs_a_justification(world, school, lead):
    """Before: a school could sign off with every pack document "Missing". Now each check the pack
    evidences is met only with a reason when its document is missing or expired."""
    check = start(world, school, lead, all_met(justified=False))
    with scope(organisation=school), pytest.raises(ValidationError) as exc:
        suitability_signoff(check=check, by=lead, job_title="AP lead", now=NOW)
    gaps = [m for m in exc.value.messages if m.startswith("The provider's pack has no current")]
    assert len(gaps) == len(SUITABILITY_DOCUMENTS)
    assert any("public liability insurance certificate" in m and m.endswith("Public liability insurance in place "
                                                                            "and the certificate displayed") for m in gaps)
    with scope(organisation=school):
        suitability_answers_save(check=check, answers=all_met(), by=lead, now=NOW)
        suitability_signoff(check=check, by=lead, job_title="AP lead", now=NOW)
        check.refresh_from_db()
    assert check.status == CheckStatus.SIGNED_OFF


def test_a_current_pack_document_needs_no_justification(world, school, lead):
    from .conftest import upload

    upload(world, kind="insurance", insurer="Zurich", cover_amount=10_000_000, covers_under_16s=True)
    answers = all_met()
    answers["insurance"] = ("met", "Certificate in the pack")
    check = start(world, school, lead, answers)
    with scope(organisation=school):
        suitability_signoff(check=check, by=lead, job_title="AP lead", now=NOW)


def test_signoff_refused_when_the_provider_must_register(world, school, lead):
    provider = world.org(K.PROVIDER)
    profile(world)
    with scope(organisation=provider):
        pupil_group_add(provider=provider, by=manager(world), now=NOW,
                        data={"description": "FT", "pupils": 1, "weekly_hours": 25, "with_ehcp": 1})
    check = start(world, school, lead, all_met())
    with scope(organisation=school), pytest.raises(ValidationError) as exc:
        suitability_signoff(check=check, by=lead, job_title="AP lead", now=NOW)
    assert any("halt the placement discussion" in m for m in exc.value.messages)


def test_signed_off_check_is_current_for_12_months(world, school, lead):
    check = start(world, school, lead, all_met())
    provider = world.org(K.PROVIDER)
    with scope(organisation=school):
        assert not suitability_signoff_current(school=school, provider=provider, on=TODAY)
        suitability_signoff(check=check, by=lead, job_title="Assistant head", now=NOW)
        check.refresh_from_db()
        assert check.status == CheckStatus.SIGNED_OFF and check.signed_off_by_role == "Assistant head"
        assert check.valid_until == dt.date(2027, 11, 24)
        assert suitability_signoff_current(school=school, provider=provider, on=TODAY)
        assert suitability_signoff_current(school=school, provider=provider, on=dt.date(2027, 11, 24))
        assert not suitability_signoff_current(school=school, provider=provider, on=dt.date(2027, 11, 25))
        # another school, or another provider, has no sign-off
        assert not suitability_signoff_current(school=world.org(K.SCHOOL, "b"), provider=provider, on=TODAY)
        assert not suitability_signoff_current(school=school, provider=world.org(K.PROVIDER, "b"), on=TODAY)
    with scope(organisation=provider):  # the provider cannot read the school's check
        assert not suitability_signoff_current(school=school, provider=provider, on=TODAY)


def test_signed_off_check_cannot_change_and_a_new_check_keeps_the_old_sign_off(world, school, lead):
    check = start(world, school, lead, all_met())
    provider = world.org(K.PROVIDER)
    with scope(organisation=school):
        suitability_signoff(check=check, by=lead, job_title="AP lead", now=NOW)
        with pytest.raises(ValidationError):
            suitability_answers_save(check=check, answers={"careers": ("not_met", "x")}, by=lead, now=NOW)
        new = suitability_check_start(school=school, provider=provider, by=lead, now=NOW)
        assert new.pk != check.pk and new.status == CheckStatus.DRAFT
        assert suitability_signoff_current(school=school, provider=provider, on=TODAY)


def test_unchanged_answers_keep_their_date(world, school, lead):
    check = start(world, school, lead, {"fire": ("met", "FRA seen")})
    later = NOW + dt.timedelta(days=3)
    with scope(organisation=school):
        suitability_answers_save(check=check, answers={"fire": ("met", "FRA seen"), "first_aid": ("met", "Kit seen")},
                                 by=lead, now=later)
        dates = dict(SuitabilityCheckItem.objects.values_list("item", "checked_on"))
    assert dates == {"fire": TODAY, "first_aid": TODAY + dt.timedelta(days=3)}


def _form_data(answers):
    data = {}
    for item, (outcome, evidence, *justification) in answers.items():
        data[f"{item}_outcome"] = outcome
        data[f"{item}_evidence"] = evidence
        if justification and justification[0]:
            data[f"{item}_justification"] = justification[0]
    return data


def test_school_records_checks_and_signs_off_through_the_pages(world, login, school, lead):
    provider = world.org(K.PROVIDER)
    client = login(lead)
    check_url = reverse("providers:suitability_check", kwargs={"org": "school-a", "provider_pk": provider.pk})
    signoff_url = reverse("providers:suitability_signoff", kwargs={"org": "school-a", "provider_pk": provider.pk})
    page = client.get(check_url).content.decode()
    assert "0 of 26" in page and "Legal status" in page
    # evidence without an outcome is an error shown in the summary
    response = client.post(check_url, {"careers_evidence": "Unifrog"})
    assert "govuk-error-summary" in response.content.decode()
    assert "Select met, not met or not applicable" in response.content.decode()
    with scope(organisation=school):
        assert not SuitabilityCheck.objects.exists()  # nothing half-saved
    response = client.post(check_url, {**_form_data(all_met()), "then": ""})
    assert response["Location"] == signoff_url
    page = client.get(signoff_url).content.decode()
    assert "26 of 26 checks met" in page
    response = client.post(signoff_url, {"job_title": "AP lead"})
    assert "Confirm that you are satisfied" in response.content.decode()
    response = client.post(signoff_url, {"job_title": "AP lead", "confirm": "on"})
    assert response.status_code == 302
    with scope(organisation=school):
        assert suitability_signoff_current(school=school, provider=provider, on=TODAY)
        assert AuditEvent.objects.filter(detail__startswith="signed off until").exists()
    page = client.get(reverse("providers:directory_provider", kwargs={"org": "school-a", "provider_pk": provider.pk})).content.decode()
    assert "Signed off" in page and "Check again" in page


def test_signoff_page_lists_what_is_missing(world, login, lead):
    provider = world.org(K.PROVIDER)
    client = login(lead)
    url = reverse("providers:suitability_signoff", kwargs={"org": "school-a", "provider_pk": provider.pk})
    assert "Record the checks before you sign off" in client.get(url).content.decode()
    client.post(reverse("providers:suitability_check", kwargs={"org": "school-a", "provider_pk": provider.pk}),
                _form_data({"legal_entity": ("met", "CH")}))
    page = client.get(url).content.decode()
    assert "You cannot sign off yet" in page and "25 not answered yet" in page
    response = client.post(url, {"job_title": "AP lead", "confirm": "on"})
    assert response.status_code == 200
    with scopes_disabled():
        assert not SuitabilityCheck.objects.filter(status=CheckStatus.SIGNED_OFF).exists()


def test_school_cannot_check_a_provider_outside_its_directory(world, login, lead):
    url = reverse("providers:suitability_check", kwargs={"org": "school-a", "provider_pk": world.org(K.PROVIDER, "b").pk})
    assert login(lead).post(url, _form_data(all_met())).status_code == 404
    with scopes_disabled():
        assert not SuitabilityCheck.objects.exists()


def test_settings_change_how_long_a_signoff_lasts(world, school, lead, settings):
    settings.APC_SUITABILITY_VALID_MONTHS = 6
    check = start(world, school, lead, all_met())
    with scope(organisation=school):
        suitability_signoff(check=check, by=lead, job_title="AP lead", now=NOW)
        check.refresh_from_db()
    assert check.valid_until == dt.date(2027, 5, 24)


def test_an_empty_check_is_not_saved(world, login, lead):
    """Before: submitting the check with nothing answered saved an empty check."""
    provider = world.org(K.PROVIDER)
    client = login(lead)
    url = reverse("providers:suitability_check", kwargs={"org": "school-a", "provider_pk": provider.pk})
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Answer at least one check before you save" in response.content.decode()
    with scopes_disabled():
        assert not SuitabilityCheck.objects.exists()
