"""Who sees what: the provider only shared sections (special ones only for its safeguarding lead),
never the school's other pupils; the LA only children in AP, no special-category data; trusts no
special-category data; every model refuses to run unscoped."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from placements import models as m
from placements.factories import (
    ParentCarerFactory,
    PupilFactory,
    PupilSensitiveFactory,
    placement_in_state,
)
from placements.models import OtherAgency, Referral, State
from placements.referral_sections import SECTIONS
from placements.selectors import referral_view
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import ScopeError, scope, scopes_disabled

from .conftest import NOW


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


SPECIAL = {
    "sen_details": "SECRET-SEN", "medication": "SECRET-MEDS", "medical_needs": "SECRET-MEDICAL",
    "mental_health_concerns": "SECRET-MH", "disability_details": "SECRET-DISABILITY",
    "access_arrangements": "SECRET-ACCESS", "ethnicity": "SECRET-ETHNIC", "religion": "SECRET-RELIGION",
    "order_held_by": "SECRET-ORDER-LA",
}
REFERRAL_SPECIAL = {"violence_details": "SECRET-VIOLENCE", "significant_events": "SECRET-EVENTS",
                    "family_circumstances": "SECRET-FAMILY", "other_concerns": "SECRET-CONCERNS"}


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


@pytest.fixture
def referred(world):
    pupil = world.pupils["a"]
    PupilSensitiveFactory(pupil=pupil, looked_after="statutory", sen_provision="ehcp", disabled=True, **SPECIAL)
    ParentCarerFactory(pupil=pupil, name="PARENT-NAME")
    with scopes_disabled():
        OtherAgency.objects.create(pupil=pupil, agency="SECRET-AGENCY")
    placement = placement_in_state(pupil=pupil, provider=world.org(K.PROVIDER), state=State.ACCEPTED, now=NOW)
    with scopes_disabled():
        Referral.objects.filter(placement=placement).update(
            shared_sections=["academic", "about"],  # behaviour and equality not shared
            behaviour_history="UNSHARED-BEHAVIOUR", attitude="UNSHARED-ATTITUDE", reason="SHARED-REASON",
            **REFERRAL_SPECIAL)
    # Another pupil at the same school, never referred.
    other = PupilFactory(school=pupil.school, first_name="Otherpupil", last_name="Neverreferred")
    return placement, other


def _page(login, client, world, role, url, kind=K.PROVIDER):
    login(world.user(kind, role))
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return text(response)


def test_provider_manager_sees_what_keeps_the_pupil_safe_and_taught(referred, world, login, client):
    """The visibility table: learning and medical needs, contacts and access arrangements; safeguarding
    status, mental health and the reason for referral only as "held by the DSL"."""
    placement, _ = referred
    body = _page(login, client, world, Role.PROVIDER_MANAGER, f"/o/provider-a/placements/{placement.pk}/referral/")
    assert "PARENT-NAME" in body and placement.pupil.upn in body
    for shared in ("SECRET-SEN", "SECRET-MEDS", "SECRET-MEDICAL", "SECRET-ACCESS", "SECRET-DISABILITY"):
        assert shared in body, shared
    for secret in ["SHARED-REASON", "SECRET-MH", "SECRET-ETHNIC", "SECRET-RELIGION", "SECRET-ORDER-LA",
                   *REFERRAL_SPECIAL.values(), "SECRET-AGENCY", "UNSHARED-BEHAVIOUR", "UNSHARED-ATTITUDE",
                   "Statutory (care order)"]:
        assert secret not in body, secret
    assert "Your safeguarding lead holds it" in body


def test_provider_dsl_sees_shared_special_sections_but_not_unshared_ones(referred, world, login, client):
    placement, _ = referred
    body = _page(login, client, world, Role.PROVIDER_DSL, f"/o/provider-a/placements/{placement.pk}/referral/")
    for shared in ("SECRET-SEN", "SECRET-MEDS", "SECRET-MH", "SECRET-ACCESS", "SECRET-VIOLENCE", "SECRET-FAMILY",
                   "SECRET-AGENCY", "SECRET-ORDER-LA"):
        assert shared in body, shared
    for unshared in ("SECRET-ETHNIC", "SECRET-RELIGION", "UNSHARED-BEHAVIOUR", "UNSHARED-ATTITUDE"):
        assert unshared not in body, unshared
    with scopes_disabled():
        from tenancy.models import AuditEvent

        event = AuditEvent.objects.filter(organisation=world.org(K.PROVIDER)).latest("pk")
    assert event.action == "view" and "special-category" in event.detail


def test_referral_projection_for_a_provider_reads_only_shared_sections(referred, world):
    provider = world.org(K.PROVIDER)
    with scope(organisation=provider):
        placement = m.Placement.objects.get(pk=referred[0].pk)
        view = referral_view(placement, membership=world.member(K.PROVIDER, Role.PROVIDER_DSL))
    keys = {s.key for s in view.sections}
    assert keys == {s.key for s in SECTIONS} - {"behaviour", "equality"}
    with scope(organisation=provider):
        staff_view = referral_view(placement, membership=world.member(K.PROVIDER, Role.PROVIDER_STAFF))
    by_key = {s.key: s for s in staff_view.sections}
    assert not by_key["welfare"].rows and by_key["welfare"].held == ["safeguarding"]
    assert not by_key["safeguarding"].rows and not by_key["risk"].rows
    assert "mental_health" in by_key["sen_health"].held and by_key["sen_health"].rows


def test_provider_never_sees_the_schools_other_pupils(referred, world, login, client):
    placement, other = referred
    login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    placements = text(client.get("/o/provider-a/placements/"))
    assert placement.pupil.last_name in placements and "Neverreferred" not in placements
    # A provider reads pupils through its placements only: the school's pupil pages are not for it.
    assert client.get("/o/provider-a/pupils/").status_code == 403
    assert client.get(f"/o/provider-a/pupils/{other.pk}/").status_code == 403


def test_provider_does_not_see_drafts_and_loses_detail_when_declined(world, login, client):
    draft = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.DRAFT, now=NOW)
    declined = placement_in_state(pupil=PupilFactory(school=world.org(K.SCHOOL)), provider=world.org(K.PROVIDER),
                                  state=State.DECLINED, now=NOW)
    login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    assert client.get(f"/o/provider-a/placements/{draft.pk}/").status_code == 404
    assert client.get(f"/o/provider-a/placements/{declined.pk}/").status_code == 200
    assert client.get(f"/o/provider-a/placements/{declined.pk}/referral/").status_code == 404
    assert client.get(f"/o/provider-a/pupils/{declined.pupil.pk}/").status_code == 403
    # The declined referral: a reference, the answer and the date, no name or year group.
    listing = text(client.get("/o/provider-a/placements/"))
    page = text(client.get(f"/o/provider-a/placements/{declined.pk}/"))
    for body in (listing, page):
        assert f"Referral P-{declined.pk}" in body
        assert declined.pupil.last_name not in body and declined.pupil.first_name not in body


def test_trust_reads_its_schools_placements_without_special_category(referred, world, login, client):
    placement, _ = referred
    login(world.user(K.TRUST, Role.TRUST_EXECUTIVE))
    assert placement.pupil.last_name in text(client.get("/o/trust-a/placements/"))
    body = text(client.get(f"/o/trust-a/placements/{placement.pk}/"))
    assert not any(secret in body for secret in [*SPECIAL.values(), *REFERRAL_SPECIAL.values()])
    assert client.get(f"/o/trust-a/placements/{placement.pk}/referral/").status_code == 403
    with scope(organisation=world.org(K.TRUST)):
        assert not m.PupilSensitive.objects.exists() and not m.Referral.objects.exists()
        assert not m.OtherAgency.objects.exists() and not m.ParentalAgreement.objects.exists()


def test_la_sees_only_children_in_ap_and_no_special_category_rows(world):
    pupil = world.pupils["a"]
    PupilSensitiveFactory(pupil=pupil)
    accepted = placement_in_state(pupil=pupil, provider=world.org(K.PROVIDER), state=State.ACCEPTED, now=NOW)
    la = world.org(K.LOCAL_AUTHORITY)
    with scope(organisation=la):
        assert not m.Placement.objects.exists() and not m.Pupil.objects.exists()
    active = placement_in_state(pupil=PupilFactory(school=world.org(K.SCHOOL)), provider=world.org(K.PROVIDER),
                                state=State.ACTIVE, now=NOW)
    with scope(organisation=la):
        assert list(m.Placement.objects.values_list("pk", flat=True)) == [active.pk]
        assert list(m.Pupil.objects.values_list("pk", flat=True)) == [active.pupil_id]
        for model in (m.PupilSensitive, m.OtherAgency, m.ParentCarer, m.Referral, m.PlacementEvent,
                      m.CommissioningAgreement, m.Target, m.TimetableSession, m.ParentalAgreement):
            assert not model.objects.exists(), model.__name__
    with scope(organisation=world.org(K.LOCAL_AUTHORITY, "b")):
        assert not m.Placement.objects.exists()
    assert accepted.pk != active.pk


@pytest.mark.parametrize("model", [m.Pupil, m.PupilSensitive, m.ParentCarer, m.OtherAgency, m.Placement, m.Referral,
                                   m.PlacementEvent, m.ParentalAgreement, m.CommissioningAgreement, m.Target,
                                   m.TimetableSession])
def test_every_model_refuses_unscoped_queries(model, db):
    with pytest.raises(ScopeError):
        list(model.objects.all())


def test_la_list_shows_whether_the_provider_is_registered(world, login):
    from providers.models import ProviderProfile, RegistrationStatus

    placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.ACTIVE, now=NOW)
    client = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    assert "Registration not recorded" in client.get("/o/la-a/area/children-in-ap/").content.decode()
    with scopes_disabled():
        ProviderProfile.objects.update_or_create(provider=world.org(K.PROVIDER),
                                                 defaults={"registration_status": RegistrationStatus.UNREGISTERED})
    html = client.get("/o/la-a/area/children-in-ap/").content.decode()
    assert "Unregistered" in html and "PupilA" in html
