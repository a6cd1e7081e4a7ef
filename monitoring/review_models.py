"""Review meetings and their targets (issue 12 item 4, seed 001 §16 "Review" and "Target setting
review"); imported by monitoring.models so Django finds them. The rules live in monitoring.reviews.

* `ReviewMeeting` — the half-termly meeting of school, provider (and pupil, parents or carers) about
  one placement: who attended, behaviour, attendance, safeguarding queries (yes/no only: details go
  into a restricted concern), academic progress, comments, the next review date. A draft until
  submitted; a submitted meeting does not change.
* `TargetReview` — one row per target per meeting: the wording reviewed, the progress against it
  and the outcome (kept, met, revised with new wording, replaced by a new target). Its history is
  the chain of rows through `previous`, each with who and when (the meeting's submitter and time).

The signed agreement version is never changed: a meeting's first targets are the agreement in
force's (`agreement_target`); after that the current targets are what the last submitted meeting
left (see monitoring.reviews.current_targets).

Who sees which rows: as visits — the school its own, a trust its schools', a provider only the
submitted meetings of its placements (never a draft); what of a record a member reads, the
visibility table decides (monitoring.review_selectors).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tenancy.scoping import ScopedModel, kind_rules

from .record_models import PlacementRecord, RecordState

ReviewState = RecordState  # a review meeting's states: draft, submitted


class InviteMethod(models.TextChoices):
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"
    IN_PERSON = "in_person", "In person"


class ReviewMeeting(PlacementRecord):
    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="review_meetings")
    held_on = models.DateField("Date of the review meeting", null=True, blank=True)
    school_attended = models.BooleanField("The school attended", default=False)
    provider_attended = models.BooleanField("The provider attended", default=False)
    pupil_attended = models.BooleanField("The pupil attended", default=False)
    attendees = models.TextField("Who attended", blank=True)
    parents_invited = models.BooleanField("Parents or carers invited", null=True, blank=True)
    parents_invited_how = models.CharField("How they were invited", max_length=10, choices=InviteMethod.choices,
                                           blank=True)
    parents_attended = models.BooleanField("Parents or carers attended", null=True, blank=True)
    behaviour = models.TextField("Behaviour", blank=True)
    attendance_percent = models.DecimalField("Attendance (%)", max_digits=4, decimal_places=1, null=True, blank=True)
    attendance_notes = models.TextField("Attendance", blank=True)
    safeguarding_queries = models.BooleanField("Safeguarding queries", null=True, blank=True)
    academic_progress = models.TextField("Progress (academic)", blank=True)
    comments = models.TextField("Comments", blank=True)
    # school, provider, state, next_review_on, created_*, updated_at, submitted_*: PlacementRecord

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            # One draft at a time per placement: its targets are the ones current when it was started.
            models.UniqueConstraint(fields=["placement"], condition=Q(state="draft"), name="review_one_draft"),
        ]
        indexes = [models.Index(fields=["placement", "state", "held_on"], name="review_placement_date")]

    def __str__(self) -> str:
        return f"Review meeting {self.pk} of placement {self.placement_id}"


class TargetOutcome(models.TextChoices):
    KEPT = "kept", "Kept"
    MET = "met", "Met"
    REVISED = "revised", "Revised"
    REPLACED = "replaced", "Replaced by a new target"


class TargetReview(ScopedModel):
    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="target_reviews")
    # Where the reviewed wording came from: the agreement's target (first review of it) or the row
    # of the previous meeting that left it current.
    agreement_target = models.ForeignKey("placements.Target", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    wording = models.TextField("Target")
    progress = models.TextField("Progress against the target", blank=True)
    outcome = models.CharField("Outcome", max_length=10, choices=TargetOutcome.choices, blank=True)
    new_wording = models.TextField("New wording", blank=True)

    class Meta:
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.wording[:60]

    @property
    def carries_on(self) -> bool:
        """Whether a target comes out of this review for the next meeting (all but "met")."""
        return self.outcome in (TargetOutcome.KEPT, TargetOutcome.REVISED, TargetOutcome.REPLACED)

    @property
    def next_wording(self) -> str:
        return self.new_wording if self.outcome in (TargetOutcome.REVISED, TargetOutcome.REPLACED) else self.wording

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(organisation, school=Q(meeting__school=organisation),
                          trust=Q(meeting__school__trust=organisation),
                          provider=Q(meeting__provider=organisation, meeting__state=ReviewState.SUBMITTED))
