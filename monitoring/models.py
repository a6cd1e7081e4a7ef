"""Monitoring a placement: half-termly visits (issue 12 items 1-3).

* `VisitPlan` — per placement, the named visit owner (a school member who records visits; when
  unset, the agreement's school lead).
* `VisitWindow` — one row per placement per half-term window of the school's calendar, created
  by the daily job (monitoring.services.visit_windows_open) when the window is current; the
  target of the "visit_overdue" ladder. `required` is the visits the window needs (the SLA's
  visits_per_half_term, 0 when the placement is active for fewer than 10 of its school days);
  `met_at` is set when enough submitted visits are dated in it, or a later visit is logged.
* `Visit` — the visit record (seed 004 proforma), a draft until submitted (what it shares with a
  review meeting: monitoring.record_models.PlacementRecord).
* `VisitAction` — an action for the school or the provider agreed at a visit, tracked to done.
* `VisitSettings` — a school's visits per half term for placements no signed SLA sets a number for.

Who sees which rows: the school its own; a trust its schools'; an LA the windows of its area's
schools (counts per school only); a provider only submitted visits of its placements and the
actions for the provider on them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.scoping import ScopedModel, kind_rules

from .record_models import PlacementRecord, RecordState


class VisitPlan(ScopedModel):
    placement = models.OneToOneField("placements.Placement", on_delete=models.CASCADE, related_name="visit_plan")
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="Visit owner")

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(organisation, school=Q(school=organisation), trust=Q(school__trust=organisation))


class VisitWindow(ScopedModel):
    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="visit_windows")
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    required = models.PositiveSmallIntegerField(help_text="Visits this window needs (0: not required)")
    met_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["placement_id", "start"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "start"], name="visit_window_once"),
        ]
        indexes = [
            # The school's overdue list and the LA's counts: unmet windows by school and end.
            models.Index(fields=["school", "end"], name="visit_window_unmet",
                         condition=Q(met_at__isnull=True, required__gt=0)),
        ]

    def __str__(self) -> str:
        return f"Visit window {self.start}–{self.end} of placement {self.placement_id}"

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(organisation, school=Q(school=organisation), trust=Q(school__trust=organisation),
                          local_authority=Q(school__local_authority=organisation))


VisitState = RecordState  # a visit record's states: draft, submitted


class Visit(PlacementRecord):
    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("Date of the visit", null=True, blank=True)
    visited_time = models.TimeField("Time of the visit", null=True, blank=True)
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="Member of staff who visited")
    attendance_percent = models.DecimalField("Attendance (%)", max_digits=4, decimal_places=1, null=True, blank=True)
    safeguarding_concerns = models.BooleanField("Safeguarding concerns", null=True, blank=True)
    attendance_notes = models.TextField("Attendance notes", blank=True)
    behaviour_welfare = models.TextField("Behaviour and welfare", blank=True)
    progress_attainment = models.TextField("Progress and attainment", blank=True)
    curriculum_learning = models.TextField("Curriculum and learning", blank=True)
    other_agencies = models.TextField("Other agencies involved", blank=True)
    parent_contacted = models.BooleanField("Parent or carer contacted", null=True, blank=True)
    parent_not_contacted_reason = models.TextField("Why the parent or carer was not contacted", blank=True)
    pupil_views = models.TextField("The pupil's views", blank=True)
    # school, provider, state, next_review_on, created_*, updated_at, submitted_*: PlacementRecord

    class Meta:
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["placement", "state", "visited_on"], name="visit_placement_date")]

    def __str__(self) -> str:
        return f"Visit {self.pk} to placement {self.placement_id}"


class ActionSide(models.TextChoices):
    SCHOOL = "school", "The school"
    PROVIDER = "provider", "The provider"


class VisitAction(ScopedModel):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="actions")
    side = models.CharField("Action for", max_length=10, choices=ActionSide.choices)
    description = models.TextField("Action")
    owner_name = models.CharField("Who will do it", max_length=150)
    due_on = models.DateField("Due date")
    done_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(organisation, school=Q(visit__school=organisation),
                          trust=Q(visit__school__trust=organisation),
                          provider=Q(visit__provider=organisation, visit__state=VisitState.SUBMITTED,
                                     side=ActionSide.PROVIDER))


DEFAULT_VISITS_PER_HALF_TERM = 1  # seed 000: at least once per half term (seed 004's "twice termly")


class VisitSettings(ScopedModel):
    """A school's visit requirement where no signed SLA in force says: visits in each half term
    (1: once per half term, the same as twice a term; 2: twice per half term, four times a term)."""

    school = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="visit_settings")
    visits_per_half_term = models.PositiveSmallIntegerField(
        "Visits each half term", default=DEFAULT_VISITS_PER_HALF_TERM,
        validators=[MinValueValidator(1), MaxValueValidator(10)])

    def __str__(self) -> str:
        return f"Visit settings of {self.school_id}"

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(organisation, school=Q(school=organisation), trust=Q(school__trust=organisation))


# --- Provider termly reports and weekly behaviour updates (issue 12 item 5) -----------------------
# Written by the provider, read by the school (and the provider); trusts and LAs read none (the
# report is education data: tenancy.visibility decides which parts each school role reads).

class ReportState(models.TextChoices):
    DUE = "due", "Due"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


REPORT_OPEN_STATES = (ReportState.DUE, ReportState.DRAFT)
REPORT_SENT_STATES = (ReportState.SUBMITTED, ReportState.ACKNOWLEDGED)


class TermlyReport(ScopedModel):
    """The provider's termly report on one placement for one term of the school's calendar (seeds
    000 §5, 004 "Termly Review"); created due by the daily job, the target of "termly_report_due"."""

    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="termly_reports")
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    term_start = models.DateField()
    term_end = models.DateField()
    due_on = models.DateField("Due by")
    state = models.CharField(max_length=12, choices=ReportState.choices, default=ReportState.DUE, editable=False)
    attendance_percent = models.DecimalField("Attendance this term (%)", max_digits=4, decimal_places=1, null=True,
                                             blank=True)
    attendance_commentary = models.TextField("Commentary on attendance", blank=True)
    punctuality = models.TextField("Punctuality", blank=True)
    attitude = models.TextField("Attitude to learning", blank=True)
    engagement = models.TextField("Engagement", blank=True)
    behaviour = models.TextField("Behaviour", blank=True)
    skills_covered = models.TextField("Skills covered this term", blank=True)
    qualification_progress = models.TextField("Progress towards the qualification", blank=True)
    # [{"target": "<the agreement's target, as it read>", "progress": "..."}], one per target in force.
    target_progress = models.JSONField("Progress against each target", default=list, blank=True)
    next_targets = models.TextField("Targets for next term", blank=True)
    other_comments = models.TextField("Any other comments", blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", editable=False)
    acknowledgement_comment = models.TextField("Comment", blank=True)

    class Meta:
        ordering = ["-term_start", "-pk"]
        constraints = [models.UniqueConstraint(fields=["placement", "term_start"], name="termly_report_once")]
        indexes = [models.Index(fields=["provider", "state", "due_on"], name="termly_report_provider_state"),
                   models.Index(fields=["school", "state"], name="termly_report_school_state")]

    def __str__(self) -> str:
        return f"Termly report {self.pk} on placement {self.placement_id}"

    @property
    def sent(self) -> bool:
        return self.state in REPORT_SENT_STATES

    @property
    def term_name(self) -> str:
        from .reports_rules import term_label

        return term_label(self.term_start)

    @property
    def colour(self) -> str:
        """GOV.UK tag modifier for its state."""
        return {ReportState.ACKNOWLEDGED: "green", ReportState.SUBMITTED: "blue"}.get(self.state, "grey")

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(organisation, school=Q(school=organisation), provider=Q(provider=organisation))


class BehaviourUpdate(ScopedModel):
    """A short weekly behaviour update from the provider while the placement is in emergency review
    (seed 001 §17: "a weekly update of behaviour and attitude if there are concerns")."""

    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="behaviour_updates")
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField("Week beginning")
    text = models.TextField("Behaviour and attitude this week")
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-week_start", "-pk"]
        constraints = [models.UniqueConstraint(fields=["placement", "week_start"], name="behaviour_update_weekly")]

    def __str__(self) -> str:
        return f"Behaviour update {self.pk} on placement {self.placement_id}"

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(organisation, school=Q(school=organisation), provider=Q(provider=organisation))


from .review_models import (  # noqa: E402, F401  (review meetings: their own module, found through this one)
    InviteMethod,
    ReviewMeeting,
    ReviewState,
    TargetOutcome,
    TargetReview,
)
