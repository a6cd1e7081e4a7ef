"""Reads about the signed-in person (not a tenant), plus dashboard figures."""

from __future__ import annotations

from django.db.models import Count

from .models import Membership
from .scoping import scopes_disabled


def memberships_for_user(user) -> list[Membership]:
    """The person's active memberships, once per request (cached on the user object)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_apc_memberships", None)
    if cached is None:
        with scopes_disabled():
            cached = list(
                Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
                .select_related("organisation")
                .order_by("organisation__name")
            )
        user._apc_memberships = cached
    return cached


def membership_for_slug(user, slug: str) -> Membership | None:
    return next((m for m in memberships_for_user(user) if m.organisation.slug == slug), None)


def members_of_current_organisation():
    return Membership.objects.select_related("user").order_by("user__full_name")


def count_by(queryset, field: str) -> list[dict]:
    """Group a (scoped) queryset by one field: one query whatever the number of rows."""
    return list(queryset.order_by().values(field).annotate(total=Count("pk")).order_by(field))
