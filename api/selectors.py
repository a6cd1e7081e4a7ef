from __future__ import annotations

from tenancy.scoping import scopes_disabled

from . import tokens
from .models import ApiToken


def token_for_bearer(raw: str) -> ApiToken | None:
    """The live token a request presents, with its membership, organisation and person, whatever
    organisation it is for (the token is the grant, no tenant yet); None when it is unknown,
    revoked, or its membership or person is no longer active."""
    prefix = tokens.prefix_of(raw)
    if prefix is None:
        return None
    with scopes_disabled():
        token = (ApiToken.objects.select_related("membership__organisation", "membership__user")
                 .filter(prefix=prefix, revoked_at__isnull=True).first())
    if token is None or not tokens.matches(raw, token.digest):
        return None
    membership = token.membership
    if not (membership.is_active and membership.user.is_active):
        return None
    return token


def tokens_of(membership):
    """The person's tokens in this organisation (inside its scope), newest first."""
    return ApiToken.objects.filter(membership=membership)
