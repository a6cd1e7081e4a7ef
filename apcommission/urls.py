from allauth.account.decorators import secure_admin_login
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.views import invitation_accept_view
from slas import views as sla_views
from tenancy.views import organisation_switch

from . import views

# --- The operations admin signs people in through allauth only (password, then TOTP, rate limits
# and lockout). secure_admin_login sends anyone not signed in to allauth's sign-in page and gives a
# signed-in person who is not active staff a 403. Django's own password form is never shown or
# accepted, not even to signed-in staff (posting another account's password there would sign in
# as that account without its second factor).
_admin_has_permission = admin.site.has_permission


def admin_has_permission(request) -> bool:
    """Active staff, and with APC_REQUIRE_MFA an authenticator app: the admin reads every tenant."""
    if not _admin_has_permission(request):
        return False
    if settings.APC_REQUIRE_MFA:
        return Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
    return True


def admin_login(request, extra_context=None):
    """Reached only by signed-in active staff (see secure_admin_login below)."""
    if admin_has_permission(request):
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            next_url = "admin:index"
        return redirect(next_url)
    messages.info(request, "Set up an authenticator app before you use the operations admin.")
    return redirect("mfa_activate_totp")


admin.site.has_permission = admin_has_permission
admin.site.login = secure_admin_login(admin_login)

org_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("", include("tenancy.urls")),
    path("", include("accounts.urls")),
    path("", include("providers.urls")),
    path("", include("placements.urls")),
    path("", include("notifications.urls")),
    path("", include("slas.urls")),
    path("", include("attendance.urls")),
    path("", include("monitoring.urls")),
    path("", include("safeguarding.urls")),
    path("", include("qa_framework.urls")),
    path("", include("finance.urls")),
    path("", include("exams.urls")),
    path("", include("oversight.urls")),
    path("", include("api.urls_tokens")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", organisation_switch, name="organisation_switch"),
    path("invitations/<str:token>/", invitation_accept_view, name="invitation_accept"),
    path("healthz", views.healthz, name="healthz"),
    path("verify/", sla_views.verify_view, name="verify"),
    path("o/<slug:org>/", include(org_patterns)),
    path("api/v1/", include("api.urls")),
    # The invitation proves a person's address: no adding unverified addresses afterwards.
    path("accounts/email/", views.page_not_found, name="account_email_disabled"),
    path("accounts/", include("allauth.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler403 = "apcommission.views.error_403"
handler404 = "apcommission.views.error_404"
handler500 = "apcommission.views.error_500"
