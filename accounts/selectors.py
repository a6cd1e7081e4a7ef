from __future__ import annotations

from allauth.mfa.models import Authenticator

from tenancy.roles import role_requires_mfa
from tenancy.scoping import scopes_disabled
from tenancy.selectors import memberships_for_user

from .models import Invitation, hash_token


def user_needs_mfa_enrolment(user) -> bool:
    """True when one of the user's roles can see pupil data and they have no TOTP authenticator."""
    if not any(role_requires_mfa(m.role) for m in memberships_for_user(user)):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link points at, whatever organisation it is for (the token is the grant)."""
    with scopes_disabled():
        return (
            Invitation.objects.select_related("organisation", "invited_by")
            .filter(token_hash=hash_token(token))
            .first()
        )


def people_counts(*, now) -> dict[str, int]:
    """For the organisation in scope: members with access, and invitations still waiting (two queries)."""
    from tenancy.models import Membership

    return {
        "active": Membership.objects.filter(is_active=True).count(),
        "pending": Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                             expires_at__gt=now).count(),
    }
