"""REST framework classes named in settings.REST_FRAMEWORK (so domain apps' API views need not
import this app): bearer-token authentication and the capability check (JSON errors: api/errors.py, which may
import rest_framework.views; this module may not, or DRF's settings import in a circle)."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from tenancy.roles import role_has

from .middleware import bearer


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer apc_…`. The token was resolved (and the tenant scope entered) by
    api.middleware.ApiTokenScopeMiddleware; here an absent token is 401 and a bad one 401 too."""

    keyword = "Bearer"

    def authenticate(self, request):
        raw = bearer(request._request)
        if raw is None:
            return None
        token = getattr(request._request, "api_token", None)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is not valid or has been revoked.")
        return token.membership.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class HasCapability(BasePermission):
    """What org_view does for pages: the view names `required_capability` (and `allowed_kinds`);
    the token's membership must be of an allowed organisation kind and its role hold the capability
    (403 otherwise). A view that names no capability refuses everyone."""

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        token = request.auth
        if token is None:
            return False  # → 401 (NotAuthenticated), the authenticator says how to sign in
        membership = token.membership
        kinds = getattr(view, "allowed_kinds", None)
        if kinds is not None and membership.organisation.kind not in kinds:
            self.message = "This API is not for your kind of organisation."
            return False
        capability = getattr(view, "required_capability", None)
        if isinstance(capability, dict):
            capability = capability.get(request.method)
        return bool(capability) and role_has(membership.role, capability)

