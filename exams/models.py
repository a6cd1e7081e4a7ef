"""Exam entries for pupils in AP (issue 14 item 5, seed 004 "The Examination Officer will ... coordinate
arrangements with the alternative provider for public examination entries").

The school's exams officer (or AP lead) records an entry on a placement; the provider confirms it or
says it cannot, with a reason; the school records the result afterwards. Access arrangements are
pupil data of their own group (DataGroup.ACCESS_ARRANGEMENTS): only readers of it see them
(exams.selectors.entry_view). The school and the placement's provider reach an entry, a trust its
schools' entries; an LA none.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from placements.models import Placement
from placements.models.placements import placement_rules
from tenancy.models import Organisation
from tenancy.scoping import ScopedModel


class Tier(models.TextChoices):
    NONE = "", "Not tiered"
    FOUNDATION = "foundation", "Foundation"
    HIGHER = "higher", "Higher"


class Venue(models.TextChoices):
    SCHOOL = "school", "At the school"
    PROVIDER = "provider", "At the provider"
    OTHER = "other", "Somewhere else"


class EntryState(models.TextChoices):
    AWAITING = "awaiting", "Awaiting the provider"
    CONFIRMED = "confirmed", "Confirmed"
    CANNOT = "cannot", "Provider cannot"


class ExamEntry(ScopedModel):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="exam_entries")
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    qualification = models.CharField("Qualification", max_length=200)
    awarding_body = models.CharField("Awarding body", max_length=100)
    tier = models.CharField("Tier", max_length=12, choices=Tier.choices, blank=True)
    series = models.CharField("Exam series", max_length=40)
    first_exam_on = models.DateField("Date of the first exam or assessment")
    last_exam_on = models.DateField("Date of the last exam or assessment", null=True, blank=True)
    access_arrangements = models.TextField("Access arrangements", blank=True)
    venue = models.CharField("Where the pupil sits it", max_length=10, choices=Venue.choices)
    venue_address = models.TextField("Address of the exam venue", blank=True)
    state = models.CharField(max_length=10, choices=EntryState.choices, default=EntryState.AWAITING, editable=False)
    provider_reason = models.TextField("Why the provider cannot", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)
    grade = models.CharField("Grade", max_length=20, blank=True)
    result_on = models.DateField("Date of the result", null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["first_exam_on", "pk"]
        indexes = [models.Index(fields=["school", "first_exam_on"], name="exam_entry_school_date"),
                   models.Index(fields=["provider", "first_exam_on"], name="exam_entry_provider_date")]
        constraints = [
            models.CheckConstraint(
                name="exam_entry_other_venue_has_address",
                condition=~Q(venue="other") | ~Q(venue_address=""),
                violation_error_message="Enter the address of the exam venue."),
            models.CheckConstraint(
                name="exam_entry_cannot_has_reason",
                condition=~Q(state="cannot") | ~Q(provider_reason=""),
                violation_error_message="Say why the provider cannot host or support the entry."),
            models.CheckConstraint(
                name="exam_entry_dates_in_order",
                condition=Q(last_exam_on__isnull=True) | Q(last_exam_on__gte=models.F("first_exam_on")),
                violation_error_message="The last exam date must be on or after the first."),
        ]

    def __str__(self) -> str:
        return f"Exam entry {self.pk} on placement {self.placement_id}"

    @classmethod
    def scope_q(cls, organisation):
        # The school, the placement's provider (while it sees the placement) and the school's trust.
        return placement_rules(organisation, "placement__")

    @property
    def status(self) -> str:
        return self.get_state_display()

    @property
    def result(self) -> str:
        """The grade once recorded ("" before)."""
        return self.grade

    @property
    def colour(self) -> str:
        return {EntryState.CONFIRMED: "green", EntryState.CANNOT: "red"}.get(self.state, "yellow")

    @property
    def venue_text(self) -> str:
        if self.venue == Venue.OTHER:
            return f"Somewhere else: {self.venue_address}"
        return self.get_venue_display()
