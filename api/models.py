"""Per-person API tokens: one membership (organisation + role) each, stored hashed."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tenancy.models import Membership
from tenancy.scoping import ScopedModel


class ApiToken(ScopedModel):
    """A bearer token for one membership. The secret is shown once at creation; only its SHA-256
    is kept. `prefix` (visible in lists and in the token itself) finds the row without a scan."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("What the token is for", max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, help_text="SHA-256 (hex) of the whole token")
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"API token {self.prefix} ({self.name})"

    @classmethod
    def scope_q(cls, organisation):
        return Q(membership__organisation=organisation)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
