import datetime as dt
import re

import pytest
from django.core import mail

from accounts.models import Invitation, User
from apcommission import clock
from tenancy.models import AuditEvent, Membership
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NEW_PASSWORD = "a-long-and-unusual-passphrase"


def _invite(client, email="new.person@example.org", role=Role.DSL, django_capture_on_commit_callbacks=None):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/o/school-a/people/invite/", {"full_name": "New Person", "email": email, "role": role})


def _link_from_email() -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)


def test_admin_invites_by_email_and_the_person_joins_with_the_chosen_role(
    world, login, client, django_capture_on_commit_callbacks
):
    login(world.user(K.SCHOOL, Role.ORG_ADMIN))
    response = _invite(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new.person@example.org"]
    link = _link_from_email()
    client.logout()

    page = client.get(link)
    assert b"Join School A" in page.content
    response = client.post(link, {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/o/school-a/"
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password(NEW_PASSWORD)
    with scope(organisation=world.org(K.SCHOOL)):
        assert Membership.objects.get(user=user).role == Role.DSL
        assert AuditEvent.objects.filter(action="invite").count() == 1
    # Signed in straight away.
    assert client.get("/o/school-a/").status_code == 200


def test_link_works_only_once(world, login, client, django_capture_on_commit_callbacks):
    login(world.user(K.SCHOOL, Role.ORG_ADMIN))
    _invite(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    link = _link_from_email()
    client.logout()
    client.post(link, {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert b"cannot be used" in again.content


def test_expired_link_is_refused(world, login, client, django_capture_on_commit_callbacks):
    login(world.user(K.SCHOOL, Role.ORG_ADMIN))
    _invite(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    link = _link_from_email()
    client.logout()
    with clock.frozen(clock.now() + dt.timedelta(days=8)):
        response = client.post(link, {"full_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_withdrawn_invitation_cannot_be_used(world, login, client, django_capture_on_commit_callbacks):
    login(world.user(K.SCHOOL, Role.ORG_ADMIN))
    _invite(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    link = _link_from_email()
    with scope(organisation=world.org(K.SCHOOL)):
        invitation = Invitation.objects.get()
    assert client.post(f"/o/school-a/people/invitations/{invitation.pk}/withdraw/").status_code == 302
    client.logout()
    assert client.get(link).status_code == 410


def test_bad_invite_shows_error_summary_and_saves_nothing(world, login, client, django_capture_on_commit_callbacks):
    login(world.user(K.SCHOOL, Role.ORG_ADMIN))
    response = _invite(client, email="not-an-email", role="qa_officer",
                       django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter an email address in the correct format" in html
    assert "<title>Error:" in html
    with scopes_disabled():
        assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviting_an_existing_member_is_refused(world, login, client, django_capture_on_commit_callbacks):
    login(world.user(K.SCHOOL, Role.ORG_ADMIN))
    existing = world.user(K.SCHOOL, Role.DSL).email
    response = _invite(client, email=existing, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert b"already a member" in response.content


def test_existing_account_joins_a_second_organisation(world, login, client, django_capture_on_commit_callbacks):
    """A person already at school B is invited to school A: they sign in and confirm."""
    person = world.user(K.SCHOOL, Role.SENCO, "b")
    login(world.user(K.SCHOOL, Role.ORG_ADMIN))
    _invite(client, email=person.email, role=Role.SENCO,
            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    link = _link_from_email()
    client.logout()
    assert client.get(link)["Location"].startswith("/accounts/login/")
    login(person)
    assert client.post(link).status_code == 302
    with scopes_disabled():
        assert Membership.objects.filter(user=person).count() == 2
    # Now both organisations are reachable and the switcher lists them.
    assert client.get("/o/school-a/").status_code == 200
    assert client.get("/o/school-b/").status_code == 200
    switcher = client.get("/organisations/").content.decode()
    assert "School A" in switcher and "School B" in switcher


def test_signed_in_as_someone_else_cannot_take_the_invitation(world, login, client, django_capture_on_commit_callbacks):
    person = world.user(K.SCHOOL, Role.SENCO, "b")
    login(world.user(K.SCHOOL, Role.ORG_ADMIN))
    _invite(client, email=person.email, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    link = _link_from_email()
    login(world.user(K.SCHOOL, Role.DSL, "b"))
    assert client.post(link).status_code == 403
    with scopes_disabled():
        assert Membership.objects.filter(user=person).count() == 1


def test_unknown_token_is_refused(db, client):
    assert client.get("/invitations/not-a-real-token/").status_code == 410


@pytest.mark.parametrize("role", [Role.QA_OFFICER, Role.PROVIDER_MANAGER])
def test_cannot_invite_a_role_from_another_kind_of_organisation(world, login, client, role,
                                                               django_capture_on_commit_callbacks):
    login(world.user(K.SCHOOL, Role.ORG_ADMIN))
    response = _invite(client, role=role, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert response.status_code == 200 and b"govuk-error-summary" in response.content
