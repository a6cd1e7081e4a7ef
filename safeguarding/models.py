"""Incidents, emergency reviews and restricted safeguarding concerns on a placement (issue 12 item 6).

* `Incident`: a behaviour incident or a health-and-safety accident the provider records. The school
  and the provider read them (the school's staff who follow behaviour: see selectors).
* `EmergencyReview`: opened once when a placement reaches the SLA's number of behaviour incidents;
  at most one open per placement (a partial unique constraint), closed by the school with an outcome.
* `SafeguardingConcern`: a restricted record. The scoping layer lets the organisations around the
  placement reach the row, but only DSLs (capability `share_safeguarding`) of the placement's school
  and provider, and the people a DSL shared that one concern with (django-guardian object permission
  `safeguarding.view_concern`), read it (selectors.can_read_concern). Its `str()` carries no detail.
* `FormalReview` (issue 12 item 7, seed 002 "Monitoring"): a formal review meeting of a placement
  whose progress is unsatisfactory (school leaders, the pupil, parents or carers, the provider). It
  lives here, next to `EmergencyReview`, because this app owns the reviews a placement is *put
  under* because of a concern (behaviour, safety, progress); monitoring/ owns the routine, scheduled
  half-termly review meetings and calls `services.formal_review_open` when one is unsatisfactory.
  At most one open per placement; each one opened counts as one unsatisfactory review.
* `Ceasing` (seed 002 "Ceasing"): why the school ceased a placement, kept with the school. The
  placement itself ends through the one lifecycle (placements.services.placement_end).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from placements.models import Placement
from placements.models.placements import placement_rules
from tenancy.models import Organisation
from tenancy.scoping import ScopedModel, kind_rules


class IncidentKind(models.TextChoices):
    BEHAVIOUR = "behaviour", "Behaviour incident"
    ACCIDENT = "accident", "Health and safety accident"


class Incident(ScopedModel):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField("When it happened")
    location = models.CharField("Where it happened", max_length=200)
    description = models.TextField("What happened")
    action_taken = models.TextField("Action taken")
    parent_informed = models.BooleanField("Parent or carer informed", default=False)
    parent_informed_at = models.DateTimeField("When the parent or carer was informed", null=True, blank=True)
    injury = models.TextField("Injury", blank=True)
    first_aid = models.TextField("First aid given", blank=True)
    review = models.ForeignKey("EmergencyReview", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="incidents")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # The emergency-review count: behaviour incidents of a placement not yet in a review.
            models.Index(fields=["placement", "kind"], name="incident_unreviewed",
                         condition=Q(review__isnull=True)),
            models.Index(fields=["placement", "-occurred_at"], name="incident_placement_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @classmethod
    def scope_q(cls, organisation):
        # The school and the provider; trusts and LAs read figures elsewhere, not incident reports.
        return placement_rules(organisation, "placement__", trust=False)

    def audit_owner_id(self) -> int:
        return self.placement.school_id  # forward key: the base manager, only the owner id is read


class _PlacementReview(ScopedModel):
    """What emergency and formal reviews share: a placement, closing, and who reads them (the
    school and the provider; trusts and LAs read figures elsewhere, not reviews)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @classmethod
    def scope_q(cls, organisation):
        return placement_rules(organisation, "placement__", trust=False)

    def audit_owner_id(self) -> int:
        return self.placement.school_id  # forward key: the base manager, only the owner id is read


class EmergencyReview(_PlacementReview):
    opened_at = models.DateTimeField()
    due_on = models.DateField("Review by")
    incident_count = models.PositiveSmallIntegerField(help_text="behaviour incidents that opened it")
    targets = models.TextField("Targets agreed at the review", blank=True)
    outcome = models.CharField(max_length=12, blank=True)
    outcome_notes = models.TextField("Outcome of the review", blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["placement"], condition=Q(closed_at__isnull=True),
                                    name="one_open_emergency_review"),
        ]
        indexes = [
            models.Index(fields=["due_on"], name="emergency_review_open_due", condition=Q(closed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"Emergency review {self.pk}"


class SafeguardingConcern(ScopedModel):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField("When it happened or was noticed")
    what = models.TextField("What happened or what you noticed")
    people = models.TextField("Who was involved and who has been told")
    immediate_action = models.TextField("Immediate action taken")
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    raised_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-raised_at", "-pk"]
        permissions = [("view_concern", "Read this safeguarding concern (shared by a DSL)")]
        indexes = [models.Index(fields=["placement", "-raised_at"], name="concern_placement_recent")]

    def __str__(self) -> str:
        return f"Safeguarding concern {self.pk}"

    @classmethod
    def scope_q(cls, organisation):
        # Reach, not reading: everyone around the placement may be shared the concern; who reads it
        # is decided by selectors.can_read_concern (DSLs and per-object grants).
        return placement_rules(organisation, "placement__", local_authority=True)

    def audit_owner_id(self) -> int:
        return self.placement.school_id  # forward key: the base manager, only the owner id is read


class FormalReviewSource(models.TextChoices):
    SCHOOL = "school", "The school found progress unsatisfactory"
    REVIEW_MEETING = "review_meeting", "A review meeting found progress unsatisfactory"


class FormalReviewOutcome(models.TextChoices):
    NEW_TARGETS = "new_targets", "The placement continues with new targets"
    ON_NOTICE = "on_notice", "The placement continues on notice"
    CEASE = "cease", "The placement should cease"


class FormalReview(_PlacementReview):
    reason = models.TextField("Why progress is unsatisfactory")
    source = models.CharField(max_length=20, choices=FormalReviewSource.choices, default=FormalReviewSource.SCHOOL)
    source_id = models.PositiveIntegerField(null=True, blank=True, help_text="the review meeting, if one opened it")
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    # The meeting, recorded when it is held.
    held_on = models.DateField("Date of the formal review meeting", null=True, blank=True)
    school_attendees = models.TextField("School leaders who attended", blank=True)
    pupil_attended = models.BooleanField("The pupil attended", null=True, blank=True)
    parents_attended = models.BooleanField("Parents or carers attended", null=True, blank=True)
    provider_attended = models.BooleanField("The provider attended", null=True, blank=True)
    provider_attendees = models.TextField("Who attended for the provider", blank=True)
    outcome = models.CharField(max_length=12, choices=FormalReviewOutcome.choices, blank=True)
    new_targets = models.TextField("Targets agreed at the formal review", blank=True)
    notes = models.TextField("Notes of the formal review", blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["placement"], condition=Q(closed_at__isnull=True),
                                    name="one_open_formal_review"),
        ]
        indexes = [models.Index(fields=["placement", "-opened_at"], name="formal_review_placement")]

    def __str__(self) -> str:
        return f"Formal review {self.pk}"


class CeaseGround(models.TextChoices):
    PROGRESS = "progress", "Progress is unsatisfactory after formal review"
    DANGER = "danger", "The pupil is likely to be in danger: cease at once"


class Ceasing(ScopedModel):
    """Why and on what ground the school ceased the placement (the school's record only: the
    provider reads the placement's end reason through the lifecycle, not this)."""

    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="+")
    ground = models.CharField(max_length=10, choices=CeaseGround.choices)
    reason = models.TextField("Why the placement is ceased")
    formal_review = models.ForeignKey(FormalReview, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    unsatisfactory_reviews = models.PositiveSmallIntegerField(default=0)
    ceased_at = models.DateTimeField()
    ceased_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Ceasing {self.pk}"

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(organisation, school=Q(placement__school=organisation))

    def audit_owner_id(self) -> int:
        return self.placement.school_id
