from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .roles import ROLE_KINDS, OrganisationKind, Role, role_has
from .scoping import ScopedModel, kind_rules


class SchoolType(models.TextChoices):
    SCHOOL = "school", "School"
    ACADEMY = "academy", "Academy"
    PRU = "pru", "Pupil referral unit"
    EDUCATION_CENTRE = "education_centre", "Education centre"
    LA_SERVICE = "la_service", "Local authority service (e.g. children's support service)"


class Organisation(models.Model):
    """A tenant: a local authority, academy trust, commissioning school or alternative provider.

    Organisations are reference data (names and areas are public), so this model is not scoped;
    everything an organisation *owns* is.
    """

    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    school_type = models.CharField(max_length=20, choices=SchoolType.choices, blank=True)
    local_authority = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="area_organisations",
        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY},
        help_text="For a school, the LA area it is in; for a provider, its home LA.",
    )
    trust = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="trust_schools",
        limit_choices_to={"kind": OrganisationKind.TRUST},
    )
    la_code = models.CharField("LA code", max_length=3, blank=True, help_text="3-digit DfE LA code")
    urn = models.CharField("URN", max_length=8, blank=True, help_text="DfE unique reference number")
    postcode = models.CharField(max_length=10, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "local_authority"])]
        constraints = [
            models.CheckConstraint(
                name="school_has_local_authority",
                condition=~Q(kind=OrganisationKind.SCHOOL) | Q(local_authority__isnull=False),
                violation_error_message="A school belongs to one local authority area.",
            ),
            models.CheckConstraint(
                name="only_schools_have_trusts",
                condition=Q(kind=OrganisationKind.SCHOOL) | Q(trust__isnull=True),
                violation_error_message="Only schools belong to an academy trust.",
            ),
            models.CheckConstraint(
                name="la_has_no_parent_la",
                condition=~Q(kind__in=[OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.TRUST])
                | Q(local_authority__isnull=True),
                violation_error_message="Local authorities and trusts are not inside another LA area.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.local_authority_id and self.local_authority.kind != OrganisationKind.LOCAL_AUTHORITY:
            raise ValidationError({"local_authority": "Choose a local authority."})
        if self.trust_id and self.trust.kind != OrganisationKind.TRUST:
            raise ValidationError({"trust": "Choose an academy trust."})
        if self.school_type and self.kind != OrganisationKind.SCHOOL:
            raise ValidationError({"school_type": "Only schools have a school type."})

    @property
    def is_school(self) -> bool:
        return self.kind == OrganisationKind.SCHOOL

    @property
    def is_provider(self) -> bool:
        return self.kind == OrganisationKind.PROVIDER

    @property
    def is_local_authority(self) -> bool:
        return self.kind == OrganisationKind.LOCAL_AUTHORITY

    @property
    def is_trust(self) -> bool:
        return self.kind == OrganisationKind.TRUST


class Membership(ScopedModel):
    """A person's role in one organisation. One person may belong to several organisations."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    job_title = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"

    @classmethod
    def scope_q(cls, organisation):
        return Q(organisation=organisation)

    def clean(self):
        if self.organisation_id and self.role not in ROLE_KINDS.get(self.organisation.kind, set()):
            raise ValidationError({"role": "That role does not exist in this kind of organisation."})

    def can(self, capability: str) -> bool:
        return role_has(self.role, capability)


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    DOWNLOAD = "download", "Downloaded"
    INVITE = "invite", "Invited"
    REVOKE = "revoke", "Revoked"


class AuditEvent(ScopedModel):
    """Append-only: who viewed, created, changed or exported pupil or safeguarding data.

    The app never updates or deletes a row (save() and delete() refuse, the admin is read-only),
    and on PostgreSQL a trigger rejects UPDATE and DELETE from anyone.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="audit_events")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    detail = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-at"], name="audit_org_recent"),
            models.Index(fields=["content_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_repr}"

    @classmethod
    def scope_q(cls, organisation):
        return Q(organisation=organisation)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Audit events cannot be deleted.")


class Heartbeat(models.Model):
    """Operational: the last time a periodic task ran in a worker (seen on /healthz)."""

    name = models.CharField(max_length=50, primary_key=True)
    last_seen_at = models.DateTimeField()
    runs = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_seen_at:%Y-%m-%d %H:%M:%S}"


__all__ = ["Organisation", "Membership", "AuditEvent", "AuditAction", "Heartbeat", "SchoolType", "kind_rules"]
