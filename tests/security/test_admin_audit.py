"""Changes to memberships and organisations made in the operations admin are audited.

Before: the admin saved them silently, so an organisation could gain or lose members (or a
member's role) with nothing in its audit log.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from accounts.factories import UserFactory
from tenancy.factories import MembershipFactory, OrganisationFactory
from tenancy.models import AuditAction, AuditEvent, Membership, Organisation
from tenancy.roles import OrganisationKind, Role
from tenancy.scoping import scopes_disabled

ADMIN = f"/{settings.ADMIN_URL}"


@pytest.fixture
def school(db):
    return OrganisationFactory(kind=OrganisationKind.SCHOOL, slug="audit-school", name="Audit School")


def events_of(organisation) -> list[AuditEvent]:
    with scopes_disabled():
        return list(AuditEvent.objects.filter(organisation=organisation).order_by("id"))


def membership_form(membership, **changes) -> dict:
    data = {"user": membership.user_id, "organisation": membership.organisation_id, "role": membership.role,
            "job_title": membership.job_title}
    if membership.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_adding_a_member_in_the_admin_is_audited(admin_client, admin_user, school):
    person = UserFactory(email="new-head@example.org")
    response = admin_client.post(f"{ADMIN}tenancy/membership/add/", {
        "user": person.pk, "organisation": school.pk, "role": Role.HEADTEACHER, "job_title": "Head",
        "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        membership = Membership.objects.get(user=person, organisation=school)
    [event] = events_of(school)
    assert (event.action, event.user, event.object_id) == (AuditAction.CREATE, admin_user, str(membership.pk))
    assert event.content_type.model == "membership"
    assert event.ip_address == "127.0.0.1"
    assert event.detail == "Django admin: new-head@example.org added as Headteacher"


def test_changing_a_role_and_deactivating_in_the_admin_are_audited(admin_client, admin_user, school):
    membership = MembershipFactory(organisation=school, role=Role.PASTORAL,
                                   user=UserFactory(email="pastoral@example.org"))
    url = f"{ADMIN}tenancy/membership/{membership.pk}/change/"

    response = admin_client.post(url, membership_form(membership, role=Role.DSL))
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    response = admin_client.post(url, membership_form(membership, is_active=None))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    # Saving with no change writes nothing.
    assert admin_client.post(url, membership_form(membership)).status_code == 302

    role_change, deactivation = events_of(school)
    assert role_change.action == deactivation.action == AuditAction.CHANGE
    assert role_change.user == deactivation.user == admin_user
    assert role_change.object_id == deactivation.object_id == str(membership.pk)
    assert role_change.detail == f"Django admin: role {Role.PASTORAL} → {Role.DSL}"
    assert deactivation.detail == "Django admin: is_active True → False (deactivated)"


def test_moving_a_membership_is_audited_in_both_organisations(admin_client, school):
    other = OrganisationFactory(kind=OrganisationKind.SCHOOL, slug="other-school", local_authority=school.local_authority)
    membership = MembershipFactory(organisation=school, role=Role.PASTORAL)
    response = admin_client.post(f"{ADMIN}tenancy/membership/{membership.pk}/change/",
                                 membership_form(membership, organisation=other.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [e.action for e in events_of(school)] == [AuditAction.CHANGE]
    assert [e.action for e in events_of(other)] == [AuditAction.CHANGE]


def test_deleting_memberships_in_the_admin_is_audited(admin_client, admin_user, school):
    one, two, three = (MembershipFactory(organisation=school, role=Role.FINANCE) for _ in range(3))
    response = admin_client.post(f"{ADMIN}tenancy/membership/{one.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = admin_client.post(f"{ADMIN}tenancy/membership/", {
        "action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes",
    })
    assert response.status_code == 302
    with scopes_disabled():
        assert not Membership.objects.filter(organisation=school).exists()
    events = events_of(school)
    assert [e.action for e in events] == [AuditAction.DELETE] * 3
    assert {e.object_id for e in events} == {str(m.pk) for m in (one, two, three)}
    assert all(e.user == admin_user and "deleted" in e.detail for e in events)


def test_organisation_changes_in_the_admin_are_audited(admin_client, admin_user, school):
    url = f"{ADMIN}tenancy/organisation/{school.pk}/change/"
    data = {"kind": school.kind, "name": "Audit School (renamed)", "slug": school.slug,
            "school_type": "", "local_authority": school.local_authority_id, "trust": "",
            "la_code": "", "urn": "", "postcode": ""}
    response = admin_client.post(url, data)  # is_active left out: deactivated
    assert response.status_code == 302, response.content.decode()[:3000]
    [event] = events_of(school)
    assert (event.action, event.user, event.object_id) == (AuditAction.CHANGE, admin_user, str(school.pk))
    assert event.detail == "Django admin: name, is_active True → False"

    response = admin_client.post(f"{ADMIN}tenancy/organisation/add/", {
        "kind": OrganisationKind.TRUST, "name": "New Trust", "slug": "new-trust", "school_type": "",
        "local_authority": "", "trust": "", "la_code": "", "urn": "", "postcode": "", "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    trust = Organisation.objects.get(slug="new-trust")
    [created] = events_of(trust)
    assert created.action == AuditAction.CREATE and created.object_id == str(trust.pk)


def test_organisations_are_deactivated_not_deleted_in_the_admin(admin_client, school):
    assert admin_client.get(f"{ADMIN}tenancy/organisation/{school.pk}/delete/").status_code == 403
