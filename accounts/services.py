"""Invitations: create, revoke, accept. Single-use links that expire."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from tenancy.models import AuditAction, Membership, Organisation
from tenancy.roles import ROLE_KINDS
from tenancy.scoping import scope, scopes_disabled
from tenancy.services import audit_record

from .models import Invitation, User, hash_token


class InvitationUnusable(Exception):
    """The link was used, revoked or has expired."""


def invitation_create(
    *, organisation: Organisation, invited_by: User, email: str, role: str, full_name: str = "",
    now: dt.datetime, base_url: str, ip_address: str | None = None,
) -> tuple[Invitation, str]:
    """Invite someone by email. Returns the invitation and the raw token (only ever emailed)."""
    email = email.strip().lower()
    if role not in ROLE_KINDS.get(organisation.kind, set()):
        raise ValidationError({"role": "Choose a role that exists in your organisation."})
    with scope(organisation=organisation):
        if Membership.objects.filter(user__email__iexact=email, is_active=True).exists():
            raise ValidationError({"email": "This person is already a member of your organisation."})
        token = secrets.token_urlsafe(32)
        with transaction.atomic():
            # A new invitation replaces any pending one for the same address.
            Invitation.objects.filter(email__iexact=email, accepted_at=None, revoked_at=None).update(revoked_at=now)
            invitation = Invitation(
                organisation=organisation, email=email, full_name=full_name, role=role,
                token_hash=hash_token(token), invited_by=invited_by, created_at=now,
                expires_at=now + dt.timedelta(days=settings.INVITATION_TTL_DAYS),
            )
            invitation.full_clean(exclude=["token_hash"])
            invitation.save()
            audit_record(organisation=organisation, user=invited_by, action=AuditAction.INVITE,
                         obj=invitation, detail=f"role {invitation.get_role_display()}", ip_address=ip_address)
    link = base_url.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})
    body = render_to_string("emails/invitation.txt", {"invitation": invitation, "link": link})
    transaction.on_commit(lambda: send_mail(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}You have been invited to join {organisation.name}",
        body, None, [email],
    ))
    return invitation, token


def invitation_revoke(*, invitation: Invitation, by: User, now: dt.datetime, ip_address=None) -> Invitation:
    if invitation.status(now=now) != "pending":
        raise InvitationUnusable("Only a pending invitation can be withdrawn.")
    invitation.revoked_at = now
    invitation.save(update_fields=["revoked_at"])
    audit_record(organisation=invitation.organisation, user=by, action=AuditAction.REVOKE,
                 obj=invitation, ip_address=ip_address)
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, now: dt.datetime, user: User | None = None,
    full_name: str = "", password: str = "",
) -> Membership:
    """Use an invitation once: create the account if needed and the membership.

    `user` is the signed-in person whose email matches; otherwise a new account is created.
    The row is locked so two clicks on the same link cannot both succeed.
    """
    with scopes_disabled():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status(now=now) != "pending":
            raise InvitationUnusable("This invitation link has already been used, was withdrawn or has expired.")
        if user is None:
            if User.objects.filter(email__iexact=locked.email).exists():
                raise InvitationUnusable("An account with this email address exists: sign in to accept.")
            user = User.objects.create_user(email=locked.email, password=password,
                                            full_name=full_name or locked.full_name)
        elif user.email.lower() != locked.email.lower():
            raise InvitationUnusable("This invitation is for a different email address.")
        membership, _ = Membership.objects.update_or_create(
            user=user, organisation=locked.organisation,
            defaults={"role": locked.role, "is_active": True},
        )
        locked.accepted_at = now
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
    return membership
