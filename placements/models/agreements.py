"""The commissioning agreement (seed 001 §16): versioned; both sides agree each version."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tenancy.scoping import ScopedModel

from .choices import PROVIDER_DETAIL_STATES, SessionPart, Weekday
from .placements import Placement, placement_rules

DEFAULT_ASSESSMENT = (
    "Daily attendance checks. Fortnightly feedback by email. Contact straight away about any "
    "safeguarding or other concern. Half-termly review meeting. Termly report and face-to-face review."
)


class CommissioningAgreement(ScopedModel):
    """One version of a placement's commissioning agreement.

    A version both sides have agreed is never changed: a change after agreement starts a new
    version (copied from the last), which becomes current when both agree it.
    """

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveSmallIntegerField(default=1)
    change_summary = models.CharField("What changed in this version", max_length=300, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Commissioning aims
    rationale = models.TextField("Rationale: why this provision", blank=True)
    pupil_profile = models.TextField("Pupil profile: strengths, barriers and what works", blank=True)
    baseline = models.TextField("Baseline: where the pupil is now", blank=True)
    assessment_method = models.TextField("How progress will be assessed", blank=True, default=DEFAULT_ASSESSMENT)
    accreditation_aim = models.CharField("Accreditation or qualification aim", max_length=200, blank=True)
    accreditation_level = models.CharField("Level", max_length=60, blank=True)
    personal_social_wellbeing = models.TextField("Personal, social and wellbeing support", blank=True)
    safeguarding_shared = models.TextField("Safeguarding information shared", blank=True)
    safeguarding_reporting = models.TextField("How concerns are reported", blank=True)
    dsl_details = models.CharField("School DSL name and contact details", max_length=300, blank=True)
    careers_plan = models.TextField("Careers and post-16 plan", blank=True)
    access_arrangements = models.TextField("Access arrangements: current and planned", blank=True)
    # Who at the school answers for the placement, and the visits (seed 001 §16)
    school_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="School staff member responsible for the placement",
    )
    set_up_visit_on = models.DateField("Date of the set-up visit", null=True, blank=True)
    next_visit_on = models.DateField("Date of the next visit", null=True, blank=True)
    # Dates
    start_date = models.DateField("Start date", null=True, blank=True)
    planned_end_date = models.DateField("Planned end date", null=True, blank=True)
    review_date = models.DateField("First review date", null=True, blank=True)
    # When this version's timetable replaces the previous one: version 1 from its start date, a
    # later version from the date the school chose (today or later when agreed). The timetable on
    # a date is that of the agreed version with the greatest effective_from on or before it
    # (attendance.sessions.version_in_force).
    effective_from = models.DateField("Takes effect from", null=True, blank=True)
    # Full-time entitlement: hours at the home school alongside this placement
    home_school_hours = models.DecimalField(
        "Hours a week at the home school", max_digits=4, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("40"))],
    )
    # Agreement by both sides
    school_agreed_at = models.DateTimeField(null=True, blank=True, editable=False)
    school_agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+", editable=False)
    provider_agreed_at = models.DateTimeField(null=True, blank=True, editable=False)
    provider_agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        ordering = ["placement", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "version"], name="agreement_version_unique"),
            models.CheckConstraint(
                name="agreement_end_after_start",
                condition=Q(planned_end_date__isnull=True) | Q(start_date__isnull=True)
                | Q(planned_end_date__gte=F("start_date")),
                violation_error_message="The planned end date must be on or after the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"Commissioning agreement v{self.version} for placement {self.placement_id}"

    @classmethod
    def scope_q(cls, organisation):
        return placement_rules(organisation, "placement__", provider_states=PROVIDER_DETAIL_STATES)

    @property
    def is_agreed(self) -> bool:
        return self.school_agreed_at is not None and self.provider_agreed_at is not None


class Target(ScopedModel):
    agreement = models.ForeignKey(CommissioningAgreement, on_delete=models.CASCADE, related_name="targets")
    target = models.TextField("Target")
    support_from_school = models.TextField("Support from the school", blank=True)
    support_from_provider = models.TextField("Support from the provider", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["agreement", "order", "pk"]

    def __str__(self) -> str:
        return self.target[:60]

    @classmethod
    def scope_q(cls, organisation):
        return placement_rules(organisation, "agreement__placement__", provider_states=PROVIDER_DETAIL_STATES)


class TimetableSession(ScopedModel):
    """A weekly session at the provider. Attendance sessions are generated from these."""

    agreement = models.ForeignKey(CommissioningAgreement, on_delete=models.CASCADE, related_name="sessions")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    part = models.CharField("Morning, afternoon or all day", max_length=3, choices=SessionPart.choices)
    start_time = models.TimeField("Start time")
    end_time = models.TimeField("End time")
    site = models.CharField("Site", max_length=200, blank=True, help_text="Where the session takes place")

    class Meta:
        ordering = ["agreement", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(name="session_ends_after_start", condition=Q(end_time__gt=F("start_time")),
                                   violation_error_message="The session must end after it starts."),
            models.UniqueConstraint(fields=["agreement", "weekday", "part"], name="one_session_per_half_day",
                                    violation_error_message="There is already a session then."),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.get_part_display().lower()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @classmethod
    def scope_q(cls, organisation):
        return placement_rules(organisation, "agreement__placement__", provider_states=PROVIDER_DETAIL_STATES)

    @property
    def hours(self) -> Decimal:
        start = dt.datetime.combine(dt.date(2000, 1, 3), self.start_time)
        end = dt.datetime.combine(dt.date(2000, 1, 3), self.end_time)
        return (Decimal((end - start).total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))
