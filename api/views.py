from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from apcommission import clock
from apcommission.forms import SubmitForm, posted, render_form_page, service_errors
from tenancy.permissions import org_view
from tenancy.roles import Capability
from tenancy.roles import OrganisationKind as K
from tenancy.services import client_ip

from .forms import TokenForm
from .selectors import tokens_of
from .services import token_create, token_revoke

# --- /api/v1/: the schema and its docs describe the API and hold no tenant data (public) -----


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's local copy; its set-up script is a separate
    same-origin request (`?script=`), so the page runs under the service's strict CSP."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    template_name = "api/swagger_ui.html"
    title = f"Register API documentation – {settings.SERVICE_NAME}"  # as every page's title ends


@csrf_exempt  # any method, any path: the answer is the same JSON 404
def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found."}, status=404)


# --- /o/<org>/api-tokens/: a person's own tokens for this organisation -----------------------

TOKEN_ROLES = org_view(Capability.VIEW_ATTENDANCE, kinds=(K.PROVIDER,))


@TOKEN_ROLES
def token_list(request, org):
    return render(request, "api/token_list.html", {
        "tokens": tokens_of(request.membership),
        "docs_url": reverse("api:docs"),
    })


@TOKEN_ROLES
@never_cache
def token_create_view(request, org):
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            token, raw = token_create(membership=request.membership, name=form.cleaned_data["name"],
                                      now=clock.now(), ip_address=client_ip(request))
            return render(request, "api/token_created.html", {"token": token, "raw_token": raw,
                                                              "docs_url": reverse("api:docs")})
    return render_form_page(request, form, title="Create an API token", caption=request.organisation.name,
                            back_url=reverse("api_tokens:list", kwargs={"org": org}),
                            back_label="Back to API tokens",
                            intro=["A token lets your register app or management information system read "
                                   "today's registers and submit them for you, with your role's permissions.",
                                   "You will see the token once. Keep it as safely as a password."],
                            status=400 if form.errors else 200)


@TOKEN_ROLES
def token_revoke_view(request, org, pk):
    token = get_object_or_404(tokens_of(request.membership), pk=pk, revoked_at__isnull=True)
    form = SubmitForm(posted(request), submit="Revoke token")
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            token_revoke(token=token, by=request.user, now=clock.now(), ip_address=client_ip(request))
            messages.success(request, f"Token “{token.name}” revoked. Apps using it can no longer sign in.")
            return redirect("api_tokens:list", org=org)
    return render_form_page(request, form, title=f"Revoke the token “{token.name}”?",
                            caption=request.organisation.name,
                            back_url=reverse("api_tokens:list", kwargs={"org": org}),
                            back_label="Back to API tokens",
                            intro="Anything using this token stops working at once. This cannot be undone.",
                            status=400 if form.errors else 200)
