"""The one check of what a member may do: `org_view(capability)`."""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.http import Http404


def org_view(capability: str, *, kinds: tuple[str, ...] | None = None):
    """Decorate a view under /o/<org>/: no membership → 404, missing capability → 403.

    The capability is kept on the view (`required_capability`) so the isolation harness can
    pick a role without it for every URL.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is None:
                raise Http404("No such organisation")
            if kinds is not None and membership.organisation.kind not in kinds:
                raise PermissionDenied("This page is not for your kind of organisation.")
            if not membership.can(capability):
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        wrapped.required_capability = capability
        wrapped.allowed_kinds = kinds
        return wrapped

    return decorator
