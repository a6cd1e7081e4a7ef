from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """No public sign-up: people join through an organisation admin's invitation."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": "Enter the email address and password for your account",
        "incorrect_password": "Enter your current password",
    }

    def is_open_for_signup(self, request):
        return False


class GovukMFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "Enter the code shown in your authenticator app",
    }
