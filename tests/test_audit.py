import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from tenancy.models import AuditAction, AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


def _view_pupil(world, login, side="a"):
    client = login(world.user(K.SCHOOL, Role.AP_LEAD, side))
    pupil = world.pupils[side]
    response = client.get(f"/o/school-{side}/pupils/{pupil.pk}/", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    return pupil


def test_viewing_a_pupil_is_audited_with_who_what_when_and_ip(world, login):
    pupil = _view_pupil(world, login)
    with scope(organisation=world.org(K.SCHOOL)):
        event = AuditEvent.objects.get()
    assert event.user == world.user(K.SCHOOL, Role.AP_LEAD)
    assert event.action == AuditAction.VIEW
    assert event.object_id == str(pupil.pk) and event.object_repr == str(pupil)
    assert event.ip_address == "203.0.113.7"
    assert event.organisation == world.org(K.SCHOOL)


def test_org_admin_reads_own_log_not_others(world, login):
    _view_pupil(world, login, "a")
    _view_pupil(world, login, "b")
    client = login(world.user(K.SCHOOL, Role.ORG_ADMIN, "a"))
    page = client.get("/o/school-a/audit/").content.decode()
    # School a's event only; an admin reads no pupil data, so no pupil's name either (issue 10).
    assert page.count("Pupil: name not shown to your role") == 1
    assert "PupilA" not in page and "PupilB" not in page


def test_audit_event_cannot_be_changed_or_deleted_through_the_app(world, login):
    _view_pupil(world, login)
    with scopes_disabled():
        event = AuditEvent.objects.get()
    event.detail = "tampered"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_database_refuses_update_and_delete(world, login):
    assert connection.vendor == "postgresql"
    _view_pupil(world, login)
    with scopes_disabled():
        before = AuditEvent.objects.values().get()
        for attempt in (lambda: AuditEvent.objects.update(detail="x"), lambda: AuditEvent.objects.all().delete()):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                attempt()
        assert AuditEvent.objects.values().get() == before


def test_admin_site_offers_no_edit_or_delete(world, admin_client):
    response = admin_client.get("/admin/tenancy/auditevent/")
    assert response.status_code == 200
    assert b"Add audit event" not in response.content
