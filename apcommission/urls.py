from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import invitation_accept_view
from slas import views as sla_views
from tenancy.views import organisation_switch

from . import views

org_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("", include("tenancy.urls")),
    path("", include("providers.urls")),
    path("", include("placements.urls")),
    path("", include("notifications.urls")),
    path("", include("slas.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", organisation_switch, name="organisation_switch"),
    path("invitations/<str:token>/", invitation_accept_view, name="invitation_accept"),
    path("healthz", views.healthz, name="healthz"),
    path("verify/", sla_views.verify_view, name="verify"),
    path("o/<slug:org>/", include(org_patterns)),
    # The invitation proves a person's address: no adding unverified addresses afterwards.
    path("accounts/email/", views.page_not_found, name="account_email_disabled"),
    path("accounts/", include("allauth.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler403 = "apcommission.views.error_403"
handler404 = "apcommission.views.error_404"
handler500 = "apcommission.views.error_500"
