"""Runs every /api/ request that presents a live token inside its membership's tenant scope, as
TenantScopeMiddleware does for /o/<org>/ pages. Whether the request may proceed (401 without a
token, 403 without the capability) is decided by the REST framework classes in api/drf.py."""

from __future__ import annotations

from apcommission import clock
from tenancy.scoping import scope

from .selectors import token_for_bearer
from .services import token_used

API_PREFIX = "/api/"


def bearer(request) -> str | None:
    """The token in `Authorization: Bearer <token>`, or None when there is no such header."""
    kind, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if kind.lower() != "bearer":
        return None
    return value.strip()


class ApiTokenScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.api_token = None
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        raw = bearer(request)
        token = token_for_bearer(raw) if raw else None
        if token is None:
            return self.get_response(request)
        token_used(token, now=clock.now())
        request.api_token = token
        membership = token.membership
        with scope(organisation=membership.organisation, membership=membership):
            response = self.get_response(request)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response.render()
        return response
