from django import forms
from django.contrib.auth import password_validation

from apcommission.forms import Form, gds_helper
from tenancy.roles import roles_for_kind


class InvitationForm(Form):
    full_name = forms.CharField(label="Full name", max_length=150,
                                error_messages={"required": "Enter the person's full name"})
    email = forms.EmailField(
        label="Email address", help_text="We will send a link that works once and expires in 7 days.",
        error_messages={"required": "Enter an email address", "invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect,
                             error_messages={"required": "Select the person's role"})

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles_for_kind(organisation.kind)
        self.helper = gds_helper("full_name", "email", "role", submit="Send invitation")


class AcceptInvitationForm(Form):
    full_name = forms.CharField(label="Full name", max_length=150,
                                error_messages={"required": "Enter your full name"})
    password1 = forms.CharField(
        label="Create a password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Avoid common words and your name.",
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Confirm password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Confirm your password"},
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["full_name"].initial = invitation.full_name
        self.helper = gds_helper("full_name", "password1", "password2", submit="Create account and join")

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The passwords do not match")
        elif p1:
            from accounts.models import User

            probe = User(email=self.invitation.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ConfirmForm(Form):
    """A form with only a button (confirm pages)."""

    def __init__(self, *args, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(submit=submit)
