"""The operations admin signs people in through allauth: password, then TOTP, with rate limits.

Before: /admin/login/ was Django's own form, so a superuser's password alone opened every
tenant's data, with no second factor and no lockout after wrong passwords.
"""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.urls import reverse

from accounts.factories import TEST_PASSWORD, UserFactory
from accounts.models import User

from ..browser.helpers import fresh_totp_code

ADMIN = f"/{settings.ADMIN_URL}"
_addresses = itertools.count(10)


@pytest.fixture
def client(client):
    """A client from its own IP address: the per-IP rate limits of one test do not reach others."""
    client.defaults["REMOTE_ADDR"] = f"198.51.100.{next(_addresses) % 250}"
    return client


@pytest.fixture
def superuser_with_totp(db, request):
    user = User.objects.create_superuser(email=f"ops-{request.node.name[:40]}@example.org".lower(),
                                         password=TEST_PASSWORD)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return user, secret


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def path_and_next(location: str) -> tuple[str, str | None]:
    parts = urlsplit(location)
    return parts.path, parse_qs(parts.query).get("next", [None])[0]


def test_admin_login_form_does_not_accept_a_password(client, superuser_with_totp):
    user, _ = superuser_with_totp
    response = client.post(f"{ADMIN}login/?next={ADMIN}",
                           {"username": user.email, "password": TEST_PASSWORD, "next": ADMIN})
    assert response.status_code == 302
    assert path_and_next(response["Location"]) == (reverse("account_login"), ADMIN)
    assert signed_in_user_id(client) is None
    # The form itself is never shown either: a GET goes to allauth's sign-in page too.
    response = client.get(f"{ADMIN}login/")
    assert response.status_code == 302 and path_and_next(response["Location"])[0] == reverse("account_login")


def test_admin_pages_need_the_password_and_the_totp_code(client, superuser_with_totp):
    user, secret = superuser_with_totp
    response = client.get(ADMIN, follow=True)
    assert [path_and_next(url)[0] for url, _ in response.redirect_chain] == [f"{ADMIN}login/", reverse("account_login")]
    assert response.status_code == 200

    # The right password only reaches the second step ...
    response = client.post(f"{reverse('account_login')}?next={ADMIN}",
                           {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    for path in (ADMIN, f"{ADMIN}tenancy/membership/", f"{ADMIN}accounts/user/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert path_and_next(response["Location"])[0] == f"{ADMIN}login/", path

    # ... a wrong code does not get through ...
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200 and signed_in_user_id(client) is None
    assert client.get(ADMIN).status_code == 302

    # ... and the code from the authenticator app opens the admin.
    response = client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code(secret)})
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get(ADMIN).status_code == 200
    # Signed in, the admin's login URL just goes on to the admin.
    response = client.get(f"{ADMIN}login/?next={ADMIN}tenancy/")
    assert response.status_code == 302 and response["Location"] == f"{ADMIN}tenancy/"


def test_wrong_passwords_lock_the_account_out(client, superuser_with_totp):
    """allauth's login_failed limit (5 per 5 minutes per account): the 6th try fails even with
    the right password."""
    user, _ = superuser_with_totp
    login_url = path_and_next(client.get(f"{ADMIN}login/?next={ADMIN}")["Location"])[0]
    for _ in range(5):
        response = client.post(login_url, {"login": user.email, "password": "wrong-password-123"})
        assert response.status_code == 200
        assert "Enter the email address and password for your account" in response.content.decode()
    response = client.post(login_url, {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200, response.get("Location")
    assert "Too many failed login attempts" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert client.get(ADMIN).status_code == 302


def test_signed_in_staff_cannot_switch_account_through_the_admin_form(client, superuser_with_totp, login):
    """Django's form would sign in whoever's password is posted, skipping their second factor."""
    target, _ = superuser_with_totp
    staff = UserFactory(email="staff-member@example.org", is_staff=True)
    login(staff)
    response = client.post(f"{ADMIN}login/", {"username": target.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(staff.pk)


def test_signed_in_person_who_is_not_staff_gets_403(client, login, db):
    login(UserFactory(email="teacher@example.org"))
    assert client.get(f"{ADMIN}login/").status_code == 403
    response = client.get(ADMIN)
    assert response.status_code == 302 and response["Location"].startswith(f"{ADMIN}login/")


@pytest.mark.mfa
def test_superuser_without_an_authenticator_is_sent_to_set_one_up(client, login, settings, db):
    settings.APC_REQUIRE_MFA = True
    user = User.objects.create_superuser(email="ops-no-totp@example.org", password=TEST_PASSWORD)
    login(user)
    response = client.get(ADMIN)
    assert response.status_code == 302 and response["Location"].startswith(f"{ADMIN}login/")
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    assert client.get(f"{ADMIN}tenancy/membership/").status_code == 302

    settings.APC_REQUIRE_MFA = False  # the embedded demo: password (through allauth) is enough
    assert client.get(ADMIN).status_code == 200
