"""A read of one organisation's data by another is logged in the owner's audit log too.

Before: audit_request wrote only to the acting organisation's log, so a school never saw that a
provider (or its trust, or the LA) had opened its pupil's referral.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from placements.factories import PupilSensitiveFactory, placement_in_state
from placements.models import Referral, State
from tenancy.models import AuditAction, AuditEvent, Organisation
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tenancy.services import audit_owner_id

from ..placements.conftest import NOW


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def placement(world):
    return placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.AGREED, now=NOW)


def views_of(organisation, obj) -> list[AuditEvent]:
    with scopes_disabled():
        return list(AuditEvent.objects.filter(organisation=organisation, action=AuditAction.VIEW,
                                              object_id=str(obj.pk), content_type__model=obj._meta.model_name))


def test_provider_reading_a_referral_is_logged_for_the_provider_and_the_school(world, login, client, placement):
    provider, school = world.org(K.PROVIDER), world.org(K.SCHOOL)
    reader = world.user(K.PROVIDER, Role.PROVIDER_MANAGER)
    login(reader)
    assert client.get(f"/o/provider-a/placements/{placement.pk}/referral/").status_code == 200
    with scopes_disabled():
        referral = Referral.objects.get(placement=placement)

    [at_provider] = views_of(provider, referral)
    [at_school] = views_of(school, referral)
    assert at_provider.user == at_school.user == reader
    assert at_provider.ip_address == at_school.ip_address == "127.0.0.1"
    assert at_provider.object_repr == at_school.object_repr
    by = "by Provider A (Alternative provider)"
    assert at_school.detail == (f"{by}: {at_provider.detail}" if at_provider.detail else by)
    # Nobody else's log hears about it.
    with scopes_disabled():
        assert not AuditEvent.objects.filter(object_id=str(referral.pk)).exclude(
            organisation__in=[provider, school]).exists()


def test_the_schools_audit_log_page_shows_the_providers_read(world, login, client, placement):
    login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    client.get(f"/o/provider-a/placements/{placement.pk}/referral/")
    login(world.user(K.SCHOOL, Role.ORG_ADMIN))
    page = BeautifulSoup(client.get("/o/school-a/audit/").content, "html.parser").get_text(" ", strip=True)
    assert "by Provider A" in page


def test_a_schools_own_read_is_logged_once(world, login, client, placement):
    school = world.org(K.SCHOOL)
    login(world.user(K.SCHOOL, Role.AP_LEAD))
    assert client.get(f"/o/school-a/placements/{placement.pk}/referral/").status_code == 200
    with scopes_disabled():
        referral = Referral.objects.get(placement=placement)
        assert AuditEvent.objects.filter(object_id=str(referral.pk), action=AuditAction.VIEW).count() == 1
    [event] = views_of(school, referral)
    assert not event.detail.startswith("by ")


def test_provider_reading_the_agreement_is_logged_for_the_school(world, login, client, placement):
    login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    assert client.get(f"/o/provider-a/placements/{placement.pk}/agreement/").status_code == 200
    with scopes_disabled():
        agreement = placement.agreements.get()
    assert len(views_of(world.org(K.PROVIDER), agreement)) == 1
    assert len(views_of(world.org(K.SCHOOL), agreement)) == 1


def test_a_provider_signing_an_sla_is_logged_for_the_school(world):
    """Service-level audit records (not only request views) reach the owner's log: the provider's
    signature on a school's SLA appears in the school's audit log as well as the provider's."""
    from slas.factories import signed_sla

    school_lead = world.member(K.SCHOOL, Role.AP_LEAD)
    provider_manager = world.member(K.PROVIDER, Role.PROVIDER_MANAGER)
    sla = signed_sla(school_member=school_lead, provider_member=provider_manager)
    with scopes_disabled():
        signed = AuditEvent.objects.filter(object_id=str(sla.pk), content_type__model="servicelevelagreement",
                                           detail__contains="signed for the provider")
        by_org = {event.organisation_id: event for event in signed}
    assert set(by_org) == {world.org(K.PROVIDER).pk, school_lead.organisation_id}
    assert by_org[school_lead.organisation_id].detail.startswith("by Provider A (Alternative provider)")
    assert by_org[school_lead.organisation_id].user == provider_manager.user


def test_owner_rules(world, placement):
    school = world.org(K.SCHOOL)
    pupil = world.pupils["a"]
    sensitive = PupilSensitiveFactory(pupil=pupil)
    with scopes_disabled():
        agreement = placement.agreements.get()
        objects = [pupil, sensitive, placement, placement.referral, agreement, agreement.targets.first(),
                   agreement.sessions.first(), placement.events.first(), placement.parental_agreements.first()]
    for obj in objects:
        assert audit_owner_id(obj) == school.pk, obj._meta.label
    # Organisations are reference data: no owner other than whoever acts.
    assert audit_owner_id(world.org(K.PROVIDER)) is None

    class Owned(Organisation):
        class Meta:
            proxy = True
            app_label = "tenancy"

        def audit_owner_id(self):
            return 12345

    assert audit_owner_id(Owned(pk=1)) == 12345


def test_tenancy_services_imports_no_domain_app():
    """Dependencies run one way: domain apps import tenancy, never the reverse."""
    code = ("import django, sys; django.setup(); import tenancy.services, tenancy.admin; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'placements', 'providers', 'slas', 'attendance', 'qa_framework', 'notifications'}))")
    source = (ROOT / "tenancy/services.py").read_text()
    for app in ("placements", "providers", "slas"):
        assert f"from {app}" not in source and f"import {app}" not in source
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
