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
    """Append one audit event (who did what to which object, when, from where) to the acting
    organisation's log. If another organisation owns the object (see `audit_owner_id`), its log
    gets the same event too, saying who acted and for which organisation. Returns the event in
    the acting organisation's log."""
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}")
    event = _append(organisation, user=user, action=action, obj=obj, detail=detail, ip_address=ip_address)
    owner_id = audit_owner_id(obj)
    if owner_id is not None and owner_id != organisation.pk:
        owner = Organisation.objects.get(pk=owner_id)
        by = f"by {organisation.name} ({organisation.get_kind_display()})"
        _append(owner, user=user, action=action, obj=obj, detail=f"{by}: {detail}" if detail else by,
                ip_address=ip_address)
    return event


def _append(organisation, *, user, action, obj, detail, ip_address) -> AuditEvent:
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


# --- Who owns an object, for the audit log --------------------------------------------------------
# When a member of one organisation reads or acts on data another organisation owns (a provider or
# LA reading a school's pupil, referral or agreement; a trust reading its school's), the owner's
# log gets an event too, so a school sees every read of its pupils' data. Rules, first match wins:
#   1. the model's own `audit_owner_id(obj)` (a classmethod or method returning an Organisation id);
#   2. a path of attributes to the owner's id in AUDIT_OWNER_PATHS, by model label (strings: the
#      domain apps depend on tenancy, never the reverse, so nothing is imported from them here);
#   3. the object's `school_id` (pupils, placements, SLAs, suitability checks).
# No rule: the object has no owner other than the organisation acting on it.
AUDIT_OWNER_PATHS: dict[str, str] = {
    "placements.referral": "placement.school_id",
    "placements.commissioningagreement": "placement.school_id",
    "placements.target": "agreement.placement.school_id",
    "placements.timetablesession": "agreement.placement.school_id",
    "placements.placementevent": "placement.school_id",
    "placements.parentalagreement": "placement.school_id",
    "placements.pupilsensitive": "pupil.school_id",
    "placements.parentcarer": "pupil.school_id",
    "placements.otheragency": "pupil.school_id",
}


def register_audit_owner(model_label: str, path: str) -> None:
    """Declare where an object's owning organisation id is, e.g. ("app.model", "pupil.school_id")."""
    AUDIT_OWNER_PATHS[model_label.lower()] = path


def audit_owner_id(obj: models.Model) -> int | None:
    """The id of the organisation that owns `obj` (see the rules above), or None."""
    own_rule = getattr(type(obj), "audit_owner_id", None)
    if callable(own_rule):
        return own_rule(obj)  # a classmethod audit_owner_id(cls, obj) or a method audit_owner_id(self)
    path = AUDIT_OWNER_PATHS.get(obj._meta.label_lower)
    if path is None:
        return getattr(obj, "school_id", None)
    value = obj
    for attribute in path.split("."):
        # Forward keys use the plain base manager (no scope): only the owner's id is read.
        value = getattr(value, attribute, None)
        if value is None:
            return None
    return value


def audit_request(request, *, action: str, obj: models.Model, detail: str = "") -> AuditEvent:
    """Audit an action taken in a request by the signed-in member of the current organisation
    (the owner's log gets a copy: see `audit_record`)."""
    return audit_record(organisation=request.organisation, user=request.user, action=action, obj=obj,
                        detail=detail, ip_address=client_ip(request))


@transaction.atomic
def membership_deactivate(*, membership: Membership, by) -> Membership:
    """Remove a person from the organisation (the row is kept for the audit trail)."""
    if membership.user_id == by.pk:
        raise ValueError("You cannot remove yourself.")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    return membership
