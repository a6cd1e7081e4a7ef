"""The sign-in, password and MFA pages (django-allauth, re-templated in GOV.UK style), read as HTML.

Also the crispy-forms-gds fixes in templates/gds/ (radios, email/password error class, error summary links).
Journeys in a real browser, with axe-core, are in tests/browser/.
"""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from bs4 import BeautifulSoup
from django import forms
from django.core import mail
from django.template import Context, Template
from django.urls import reverse

from accounts.factories import TEST_PASSWORD, UserFactory
from accounts.models import User
from tenancy.roles import OrganisationKind, Role

from .browser.helpers import fresh_totp_code


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


SERVICE = "Commission alternative provision"
SIGNUP_WORDS = re.compile(r"sign[\s-]?up|register", re.I)


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def title_of(soup: BeautifulSoup) -> str:
    return " ".join(soup.title.get_text().split())


def assert_govuk_page(soup: BeautifulSoup):
    """The GOV.UK template from templates/base.html, one main landmark and one h1."""
    assert soup.html.get("lang") == "en-GB"
    assert soup.select_one("header.govuk-header")
    assert soup.select_one("footer.govuk-footer")
    assert len(soup.select("main#main-content.govuk-main-wrapper")) == 1
    assert len(soup.select("h1")) == 1
    assert soup.select_one("h1.govuk-heading-l, h1.govuk-panel__title")


def assert_every_input_labelled(soup: BeautifulSoup):
    for control in soup.select("main input, main textarea, main select"):
        if control.get("type") in ("hidden", "submit", "button"):
            continue
        assert control.get("id"), f"control without id: {control}"
        assert soup.select_one(f'label[for="{control["id"]}"]'), f"no label for #{control['id']}"


def error_summary_links(soup: BeautifulSoup) -> list[str]:
    summary = soup.select_one(".govuk-error-summary")
    assert summary is not None, "no GOV.UK error summary"
    assert summary.select_one(".govuk-error-summary__title").get_text(strip=True) == "There is a problem"
    return [a["href"] for a in summary.select(".govuk-error-summary__list a")]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Failed sign-ins here on purpose must not trip allauth's per-IP limits for later tests."""
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.fixture
def person(db):
    return UserFactory(email="person@example.org")


@pytest.fixture
def person_with_totp(person):
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    RecoveryCodes.activate(person)
    return person, secret


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def confirm_password(client, password=TEST_PASSWORD):
    """allauth asks for the password again before authenticators change (re-authentication)."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:500]


# --- Sign in -------------------------------------------------------------------------------------


def test_login_page_is_govuk_and_has_no_sign_up(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    soup = soup_of(response)
    assert_govuk_page(soup)
    assert title_of(soup) == f"Sign in – {SERVICE}"
    assert soup.h1.get_text(strip=True) == "Sign in"

    form = soup.select_one("main form[method=post]")
    assert form["action"] == reverse("account_login")
    assert form.has_attr("novalidate")
    email = form.select_one("input#id_login")
    assert email["type"] == "email" and email["autocomplete"] == "username"
    assert "govuk-input" in email["class"]
    assert not email.has_attr("placeholder")
    password = form.select_one("input#id_password")
    assert password["type"] == "password" and password["autocomplete"] == "current-password"
    assert password.find_parent(attrs={"data-module": "govuk-password-input"})
    assert soup.select_one('label[for="id_login"]').get_text(strip=True) == "Email address"
    assert soup.select_one('label[for="id_password"]').get_text(strip=True) == "Password"
    assert_every_input_labelled(soup)
    assert form.select_one("button.govuk-button[type=submit]").get_text(strip=True) == "Sign in"
    assert soup.select_one(f'main a[href="{reverse("account_reset_password")}"]')

    # Nothing points at public sign-up: no link, no wording.
    signup_url = reverse("account_signup")
    assert not soup.select(f'a[href^="{signup_url}"]')
    assert not SIGNUP_WORDS.search(soup.get_text())
    assert not soup.find(style=True), "inline styles"


def test_signup_url_cannot_create_an_account(client, db):
    signup_url = reverse("account_signup")
    response = client.get(signup_url)
    soup = soup_of(response)
    assert_govuk_page(soup)
    assert soup.h1.get_text(strip=True) == "You need an invitation to use this service"
    assert not soup.select("main form"), "the sign-up page must not offer a form"
    assert not soup.select('input[name="password1"]')

    before = User.objects.count()
    response = client.post(signup_url, {
        "email": "stranger@example.org", "password1": "a-long-unusual-password-2026",
        "password2": "a-long-unusual-password-2026",
    })
    assert User.objects.count() == before
    assert not User.objects.filter(email="stranger@example.org").exists()
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302, 403, 405)


def test_failed_login_shows_error_summary(client, person):
    response = sign_in(client, person.email, "not-the-password")
    assert response.status_code == 200
    soup = soup_of(response)
    assert_govuk_page(soup)
    assert title_of(soup).startswith("Error: Sign in")
    links = error_summary_links(soup)
    assert links == ["#id_login"]
    assert soup.select_one(links[0])
    summary_text = soup.select_one(".govuk-error-summary__list").get_text(" ", strip=True)
    assert "Enter the email address and password for your account" in summary_text
    # The summary comes before the heading, inside the main landmark.
    main = soup.select_one("main")
    assert main.select_one(".govuk-error-summary") is not None
    assert str(main).index("govuk-error-summary") < str(main).index("<h1")
    # The email address is kept; the password never comes back.
    assert soup.select_one("input#id_login")["value"] == person.email
    assert not soup.select_one("input#id_password").has_attr("value")
    assert "_auth_user_id" not in client.session


def test_empty_login_shows_inline_errors(client, db):
    soup = soup_of(client.post(reverse("account_login"), {"login": "", "password": ""}))
    assert title_of(soup).startswith("Error: ")
    assert error_summary_links(soup) == ["#id_login", "#id_password"]
    # Django's "This field is required." is said the GOV.UK way, in the summary and by the field.
    messages = [a.get_text(strip=True) for a in soup.select(".govuk-error-summary__list a")]
    assert messages == ["Enter email address", "Enter password"]
    assert soup.select_one("#id_password-error").get_text(" ", strip=True) == "Error: Enter password"
    for field_id in ("id_login", "id_password"):
        control = soup.select_one(f"#{field_id}")
        assert "govuk-input--error" in control["class"]
        message = soup.select_one(f"#{field_id}-error.govuk-error-message")
        assert message is not None and "Error:" in message.get_text()
        assert f"{field_id}-error" in control["aria-describedby"].split()
        assert control.find_parent(class_="govuk-form-group--error")


def test_logout_confirmation_page(client, person):
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    soup = soup_of(client.get(reverse("account_logout")))
    assert_govuk_page(soup)
    assert soup.h1.get_text(strip=True) == "Sign out"
    assert soup.select_one(f'main form[action="{reverse("account_logout")}"] button.govuk-button')
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_adding_unverified_email_addresses_is_switched_off(client, person):
    """The invitation proves a person's address; allauth's e-mail management page is not offered."""
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("account_email"), {"action_add": "", "email": "someone@example.org"})
    assert response.status_code == 404
    from allauth.account.models import EmailAddress

    assert not EmailAddress.objects.filter(email="someone@example.org").exists()


# --- Passwords -----------------------------------------------------------------------------------


def test_password_reset_sends_email_and_the_link_works(client, person):
    reset_url = reverse("account_reset_password")
    soup = soup_of(client.get(reset_url))
    assert_govuk_page(soup)
    assert title_of(soup) == f"Reset your password – {SERVICE}"
    email = soup.select_one("input#id_email")
    assert email["type"] == "email" and email["autocomplete"] == "email"
    assert_every_input_labelled(soup)

    response = client.post(reset_url, {"email": person.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    soup = soup_of(client.get(response["Location"]))
    assert_govuk_page(soup)
    assert soup.h1.get_text(strip=True) == "Check your email"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert message.subject == "[apcommission] Reset your password"
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body).group(1)

    response = client.get(link, follow=True)
    soup = soup_of(response)
    assert_govuk_page(soup)
    assert soup.h1.get_text(strip=True) == "Choose a new password"
    form_action = soup.select_one("main form[novalidate]")["action"]
    for field_id in ("id_password1", "id_password2"):
        assert soup.select_one(f"#{field_id}")["autocomplete"] == "new-password"
    assert_every_input_labelled(soup)

    # Mismatched passwords: error summary and inline error on the second field.
    soup = soup_of(client.post(form_action, {"password1": "brand-new-passphrase-77",
                                             "password2": "something-else-entirely"}))
    assert "#id_password2" in error_summary_links(soup)
    assert "govuk-input--error" in soup.select_one("#id_password2")["class"]

    response = client.post(form_action, {"password1": "brand-new-passphrase-77",
                                         "password2": "brand-new-passphrase-77"})
    assert response.status_code == 302
    soup = soup_of(client.get(response["Location"]))
    assert soup.h1.get_text(strip=True) == "Password changed"
    person.refresh_from_db()
    assert person.check_password("brand-new-passphrase-77")


def test_password_reset_for_unknown_address_offers_no_sign_up(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302  # same answer as for a real account (no enumeration)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nobody@example.org"]
    assert "no account" in message.body
    assert "invite" in message.body
    assert reverse("account_signup") not in message.body
    assert not SIGNUP_WORDS.search(message.subject + message.body)


def test_bad_reset_link_says_so(client, db):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "set-password"})
    soup = soup_of(client.get(url, follow=True))
    assert_govuk_page(soup)
    assert soup.h1.get_text(strip=True) == "This link does not work"


def test_password_change_errors(client, person):
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("account_change_password")
    soup = soup_of(client.get(url))
    assert_govuk_page(soup)
    assert soup.h1.get_text(strip=True) == "Change your password"
    assert soup.select_one("#id_oldpassword")["autocomplete"] == "current-password"
    assert soup.select_one('label[for="id_password1"]').get_text(strip=True) == "New password"
    assert_every_input_labelled(soup)

    soup = soup_of(client.post(url, {"oldpassword": "wrong", "password1": "short", "password2": "short"}))
    assert title_of(soup).startswith("Error: Change your password")
    links = error_summary_links(soup)
    assert "#id_oldpassword" in links and "#id_password1" in links
    assert soup.select_one("#id_oldpassword-error")


# --- MFA -----------------------------------------------------------------------------------------


def test_mfa_authenticate_page(client, person_with_totp):
    person, secret = person_with_totp
    response = sign_in(client, person.email)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    soup = soup_of(client.get(reverse("mfa_authenticate")))
    assert_govuk_page(soup)
    assert title_of(soup) == f"Enter your security code – {SERVICE}"
    code = soup.select_one("input#id_code")
    assert code["autocomplete"] == "one-time-code" and code["type"] == "text"
    assert soup.select_one('label[for="id_code"]').get_text(strip=True) == "Security code"
    assert "id_code-hint" in code["aria-describedby"]
    assert_every_input_labelled(soup)
    # Cancel posts the sign-out form.
    cancel = soup.select_one("button.apc-button-link")
    assert cancel["form"] == "logout-from-stage" and soup.select_one("form#logout-from-stage")

    soup = soup_of(client.post(reverse("mfa_authenticate"), {"code": "000000"}))
    assert title_of(soup).startswith("Error: ")
    assert error_summary_links(soup) == ["#id_code"]
    assert "govuk-input--error" in soup.select_one("#id_code")["class"]

    response = client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code(secret)})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(person.pk)


def test_security_page(client, person_with_totp):
    person, _ = person_with_totp
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    soup = soup_of(client.get(reverse("mfa_index")))
    assert_govuk_page(soup)
    assert title_of(soup) == f"Security – {SERVICE}"
    titles = [t.get_text(strip=True) for t in soup.select(".govuk-summary-card__title")]
    assert titles == ["Password", "Authenticator app", "Recovery codes"]
    hrefs = {a["href"] for a in soup.select(".govuk-summary-card__actions a")}
    assert {reverse("account_change_password"), reverse("mfa_deactivate_totp"),
            reverse("mfa_view_recovery_codes"), reverse("mfa_download_recovery_codes"),
            reverse("mfa_generate_recovery_codes")} <= hrefs
    assert "10 of 10" in soup.get_text()

    confirm_password(client)  # allauth: seeing codes or changing authenticators needs a fresh password
    soup = soup_of(client.get(reverse("mfa_view_recovery_codes")))
    assert_govuk_page(soup)
    assert len(soup.select("#recovery-codes code")) == 10

    response = client.get(reverse("mfa_download_recovery_codes"))
    assert response["Content-Type"].startswith("text/plain")
    assert len(response.content.decode().split()) == 10

    for name in ("mfa_generate_recovery_codes", "mfa_deactivate_totp"):
        soup = soup_of(client.get(reverse(name)))
        assert_govuk_page(soup)
        assert soup.select_one("main form button.govuk-button--warning")


def test_totp_activate_page(client, person):
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("mfa_activate_totp"))
    # allauth asks for the password again before an authenticator is added.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    soup = soup_of(client.get(response["Location"]))
    assert_govuk_page(soup)
    assert soup.h1.get_text(strip=True) == "Confirm it is you"
    assert soup.select_one("#id_password")["autocomplete"] == "current-password"
    assert_every_input_labelled(soup)
    soup = soup_of(client.post(response["Location"], {"password": "wrong-password"}))
    assert error_summary_links(soup) == ["#id_password"]
    response = client.post(response["Location"], {"password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    soup = soup_of(client.get(reverse("mfa_activate_totp")))
    assert_govuk_page(soup)
    assert title_of(soup) == f"Set up an authenticator app – {SERVICE}"
    qr = soup.select_one("img.apc-qr-code")
    assert qr["src"].startswith("data:image/svg+xml;base64,") and qr["alt"]
    secret = soup.select_one("#totp-secret")["data-secret"]
    assert soup.select_one("#totp-secret").get_text().replace(" ", "") == secret
    assert soup.select_one("#id_code")["autocomplete"] == "one-time-code"
    assert_every_input_labelled(soup)

    soup = soup_of(client.post(reverse("mfa_activate_totp"), {"code": "123"}))
    assert title_of(soup).startswith("Error: ")
    assert error_summary_links(soup) == ["#id_code"]

    response = client.post(reverse("mfa_activate_totp"), {"code": fresh_totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    # Straight on to the recovery codes allauth generated.
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    soup = soup_of(client.get(response["Location"]))
    assert_govuk_page(soup)
    assert len(soup.select("#recovery-codes code")) == 10


@pytest.mark.mfa
def test_mfa_required_user_is_sent_to_set_up(client, world):
    user = world.user(OrganisationKind.SCHOOL, Role.AP_LEAD)
    sign_in(client, user.email)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0] == reverse("mfa_activate_totp")
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    soup = soup_of(response)
    assert soup.select_one(".govuk-notification-banner")  # why they must set up an app
    confirm_password(client)
    soup = soup_of(client.get(reverse("mfa_activate_totp")))
    assert soup.select_one("img.apc-qr-code")


# --- crispy-forms-gds fixes (templates/gds/) ------------------------------------------------------


class _GdsForm(forms.Form):
    name = forms.CharField(label="Name")
    email = forms.EmailField(label="Email address")
    secret = forms.CharField(label="Password", widget=forms.PasswordInput)
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect, choices=[("a", "A"), ("b", "B")])
    colours = forms.MultipleChoiceField(label="Colours", widget=forms.CheckboxSelectMultiple,
                                        choices=[("r", "Red"), ("g", "Green")])

    def __init__(self, *args, inline=False, **kwargs):
        from crispy_forms_gds.helper import FormHelper
        from crispy_forms_gds.layout import Field, Layout

        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("name", "email", "secret", Field.radios("role", inline=inline),
                                    Field.checkboxes("colours"))


def _render_gds(form) -> BeautifulSoup:
    html = Template("{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}").render(
        Context({"form": form}))
    return BeautifulSoup(html, "html.parser")


def test_gds_inline_radios_keep_base_class():
    soup = _render_gds(_GdsForm(inline=True))
    radios = soup.select_one(".govuk-radios--inline")
    assert "govuk-radios" in radios["class"]
    assert [i["id"] for i in soup.select("input[name=role]")] == ["id_role_0", "id_role_1"]
    plain = _render_gds(_GdsForm()).select_one("#id_role_0").find_parent(class_="govuk-radios")
    assert plain["class"] == ["govuk-radios"]


def test_gds_error_state():
    form = _GdsForm(data={"name": "", "email": "", "secret": ""})
    assert not form.is_valid()
    soup = _render_gds(form)
    for field_id in ("id_name", "id_email", "id_secret"):
        assert "govuk-input--error" in soup.select_one(f"#{field_id}")["class"], field_id
    links = [a["href"] for a in soup.select(".govuk-error-summary__list a")]
    assert links == ["#id_name", "#id_email", "#id_secret", "#id_role_0", "#id_colours_1"]
    for href in links:
        assert soup.select_one(href) is not None, f"{href} points at nothing"
