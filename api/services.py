from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from apcommission.errors import Refusal
from tenancy.models import AuditAction
from tenancy.services import audit_record

from . import tokens
from .models import ApiToken

# Writing last_used_at on every call would turn each read into a write: once a minute is enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@transaction.atomic
def token_create(*, membership, name: str, now: dt.datetime, ip_address: str | None = None) -> tuple[ApiToken, str]:
    """A new token for `membership`. Returns the row and the token itself, which is never stored
    and cannot be shown again."""
    prefix, raw = tokens.new_token()
    token = ApiToken.objects.create(membership=membership, name=name.strip(), prefix=prefix,
                                    digest=tokens.digest(raw), created_at=now)
    audit_record(organisation=membership.organisation, user=membership.user, action=AuditAction.CREATE,
                 obj=token, detail=f"API token {prefix} created", ip_address=ip_address)
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, by, now: dt.datetime, ip_address: str | None = None) -> ApiToken:
    """Revoke a token at once: the next request with it gets 401."""
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if not changed:
        raise Refusal("This token was already revoked.")
    token.refresh_from_db()
    audit_record(organisation=token.membership.organisation, user=by, action=AuditAction.REVOKE,
                 obj=token, detail=f"API token {token.prefix} revoked", ip_address=ip_address)
    return token


def token_used(token: ApiToken, *, now: dt.datetime) -> None:
    """Record when the token was last used (at most once a minute per token)."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken._base_manager.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)).update(last_used_at=now)
    token.last_used_at = now
