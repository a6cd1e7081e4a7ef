from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import Resolver404, resolve

from .scoping import scope, scopes_disabled
from .selectors import membership_for_slug

ORG_URL_KWARG = "org"


class TenantScopeMiddleware:
    """Enters the tenant scope for every URL under /o/<org>/ (pretix's PermissionMiddleware idea).

    Not signed in → sign-in page. Not an active member of that organisation → 404 (we do not say
    whether it exists). Otherwise request.membership / request.organisation are set and the view
    runs, and its response renders, inside `scope(organisation=...)`. Other URLs run with no scope,
    so any tenant query there raises ScopeError.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.organisation = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        slug = match.kwargs.get(ORG_URL_KWARG)
        if slug is None:
            if request.user.is_superuser and request.path_info.startswith(f"/{settings.ADMIN_URL}"):
                # The operations admin (superusers only) sees all tenants, read-mostly.
                with scopes_disabled():
                    response = self.get_response(request)
                    if callable(getattr(response, "render", None)) and not response.is_rendered:
                        response.render()
                return response
            return self.get_response(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_for_slug(request.user, slug)
        if membership is None:
            raise Http404("No such organisation")
        request.membership = membership
        request.organisation = membership.organisation
        request.session["apc_last_org"] = slug
        with scope(organisation=membership.organisation, membership=membership):
            response = self.get_response(request)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response.render()
        return response
