"""Writes for tenancy: audit records and memberships."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from apcommission import clock

from .models import AuditAction, AuditEvent, Membership, Organisation


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def audit_record(
    *,
    organisation: Organisation,
    user,
    action: str,
    obj: models.Model,
    detail: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one audit event (who did what to which object, when, from where)."""
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}")
    event = AuditEvent(
        organisation=organisation,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        detail=detail[:300],
        ip_address=ip_address,
        at=clock.now(),
    )
    event.save()
    return event


def audit_request(request, *, action: str, obj: models.Model, detail: str = "") -> AuditEvent:
    """Audit an action taken in a request by the signed-in member of the current organisation."""
    return audit_record(
        organisation=request.organisation,
        user=request.user,
        action=action,
        obj=obj,
        detail=detail,
        ip_address=client_ip(request),
    )


@transaction.atomic
def membership_deactivate(*, membership: Membership, by) -> Membership:
    """Remove a person from the organisation (the row is kept for the audit trail)."""
    if membership.user_id == by.pk:
        raise ValueError("You cannot remove yourself.")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    return membership
