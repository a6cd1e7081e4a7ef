from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

from .selectors import user_needs_mfa_enrolment

# Paths a signed-in person without MFA may still use: allauth (MFA set-up, sign-out,
# re-authentication), invitations, health checks and static assets.
_EXEMPT_PREFIXES = ("/accounts/", "/invitations/", "/healthz", "/static/", "/verify/")


class RequireMFAMiddleware:
    """Sends anyone whose roles can see pupil data to set up an authenticator app first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.APC_REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path_info.startswith(_EXEMPT_PREFIXES)
            and user_needs_mfa_enrolment(request.user)
        ):
            messages.info(
                request,
                "Your role can see pupils' personal data, so you must set up an authenticator app "
                "before you continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
