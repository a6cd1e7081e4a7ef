"""The school calendar: term dates (LA or school), non-teaching days (INSET, closures) and, through
attendance.calendar, bank holidays; expected sessions, registers and their marks.

Who sees which rows (`calendar_scope_q`): an LA its own rows and those of the schools in its area;
a school its own rows and its LA's, plus the closure days of the providers it has placements with;
a trust its schools' rows and their LAs'; a provider only its own closure days. Providers read a
school's calendar only through `attendance.calendar.provider_school_days`, which returns dates.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import ScopedModel, kind_rules


def _placement_providers(school: Organisation):
    """Providers a school has placements with (the provider can see the placement)."""
    from placements.models import Placement
    from placements.models.choices import PROVIDER_VISIBLE_STATES

    return (Placement._base_manager.filter(school=school, state__in=PROVIDER_VISIBLE_STATES)
            .values("provider_id"))


def calendar_scope_q(organisation: Organisation) -> Q:
    """The calendar rows an organisation may read (term dates and non-teaching days alike)."""
    trust_schools = Organisation.objects.filter(trust=organisation, kind=OrganisationKind.SCHOOL)
    return kind_rules(
        organisation,
        local_authority=Q(organisation=organisation)
        | Q(organisation__local_authority=organisation, organisation__kind=OrganisationKind.SCHOOL),
        school=Q(organisation=organisation)
        | Q(organisation_id=organisation.local_authority_id)
        | Q(organisation__kind=OrganisationKind.PROVIDER, organisation__in=_placement_providers(organisation)),
        trust=Q(organisation__in=trust_schools.values("pk"))
        | Q(organisation__in=trust_schools.values("local_authority_id")),
        provider=Q(organisation=organisation),
    )


class Term(models.TextChoices):
    AUTUMN = "autumn", "Autumn term"
    SPRING = "spring", "Spring term"
    SUMMER = "summer", "Summer term"


class TermDates(ScopedModel):
    """One term of one academic year as an LA publishes it, or as a school sets it for itself.

    A school that has any term rows for an academic year follows them for that year instead of its
    LA's (academies, foundation and VA schools set their own dates; DOMAIN.md §5).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="term_dates",
                                     limit_choices_to={"kind__in": [OrganisationKind.LOCAL_AUTHORITY,
                                                                    OrganisationKind.SCHOOL]})
    academic_year = models.PositiveSmallIntegerField(help_text="The year it starts in: 2026 for 2026/27")
    term = models.CharField(max_length=10, choices=Term.choices)
    start_date = models.DateField("First day of term")
    end_date = models.DateField("Last day of term")
    half_term_start = models.DateField("First day of half term", null=True, blank=True)
    half_term_end = models.DateField("Last day of half term", null=True, blank=True)

    class Meta:
        ordering = ["organisation_id", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "academic_year", "term"], name="term_once_per_year"),
            models.CheckConstraint(name="term_ends_after_start", condition=Q(end_date__gte=models.F("start_date")),
                                   violation_error_message="A term ends on or after its first day."),
            models.CheckConstraint(
                name="half_term_inside_term",
                condition=(Q(half_term_start__isnull=True, half_term_end__isnull=True)
                           | Q(half_term_start__gte=models.F("start_date"),
                               half_term_end__gte=models.F("half_term_start"),
                               half_term_end__lte=models.F("end_date"))),
                violation_error_message="Half term falls inside the term, with both its first and last day.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_term_display()} {self.academic_year}/{(self.academic_year + 1) % 100:02d}"

    @classmethod
    def scope_q(cls, organisation):
        return calendar_scope_q(organisation)


class DayKind(models.TextChoices):
    INSET = "inset", "INSET (staff training) day"
    CLOSURE = "closure", "Closure"
    OTHER = "other", "Other non-teaching day"


class NonTeachingDay(ScopedModel):
    """A weekday in term time without sessions: a school's INSET day or closure, an LA-wide closure,
    or a provider's closure (then only sessions at that provider are off)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="non_teaching_days")
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=DayKind.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["organisation_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="non_teaching_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    @classmethod
    def scope_q(cls, organisation):
        return calendar_scope_q(organisation)


# --- Expected sessions and registers (issue 11 items 2–3) ---------------------------------------


class Mark(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Late"
    ABSENT = "absent", "Absent"
    NOT_REQUIRED = "not_required", "Not required"


class AbsenceReason(models.TextChoices):
    """What the provider knows about an absence. The school turns it into its own register code
    (attendance.rules.school_code): N until the school decides."""

    ILL = "ill", "Ill"
    MEDICAL = "medical", "Medical or dental appointment"
    SCHOOL_KNOWN = "school_known", "The school told us in advance"
    TRANSPORT = "transport", "Transport did not arrive"
    REFUSED = "refused", "Refused to come in"
    NOT_KNOWN = "not_known", "Not known: no contact"
    OTHER = "other", "Other reason"


def _school_rules(organisation, prefix: str = "") -> Q:
    """Rows that carry `school` and `provider` (sessions, known absences): each side sees its own,
    a trust its schools', an LA the schools in its area."""

    def q(**kwargs):
        return Q(**{f"{prefix}{k}": v for k, v in kwargs.items()})

    return kind_rules(
        organisation,
        school=q(school=organisation),
        provider=q(provider=organisation),
        trust=q(school__trust=organisation),
        local_authority=q(school__local_authority=organisation),
    )


class Register(ScopedModel):
    """The sessions of one provider that start at the same instant: what provider staff take in one
    go. `due_at` is the earliest due time of its sessions (start + the SLA's register minutes)."""

    # Submitting changes no indexed column (a HOT update, as for ExpectedSession): the provider's
    # own index would repeat the unique (provider, starts_at) one, and `submitted_by` has none.
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="registers",
                                 limit_choices_to={"kind": OrganisationKind.PROVIDER}, db_index=False)
    date = models.DateField(help_text="The day in England")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    due_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", db_index=False, db_constraint=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "starts_at"], name="register_once_per_start"),
        ]
        indexes = [
            models.Index(fields=["provider", "date"], name="register_provider_date"),
        ]

    def __str__(self) -> str:
        return f"Register {self.provider_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_q(cls, organisation):
        """A provider its own registers; a school, trust or LA a register holding one of its sessions."""
        if organisation.kind == OrganisationKind.PROVIDER:
            return Q(provider=organisation)
        return Q(Exists(ExpectedSession._base_manager.filter(_school_rules(organisation), register=OuterRef("pk"))))

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ExpectedSession(ScopedModel):
    """One session a placement expects the pupil at the provider, and the provider's mark for it.

    Generated ahead from the placement's current timetable and the school's calendar
    (attendance.sessions). A session that is no longer expected is deleted only while unmarked;
    a marked one stays (the register is a legal record). School, provider and pupil are copied from
    the placement so that lists and sweeps filter on indexed columns without joins.
    """

    # Marking a session changes no indexed column, so PostgreSQL writes the mark as a HOT update
    # (the new row version on the same page, no index touched; the table keeps free room on each
    # page for it: migration 0005's fillfactor). That is why placement, school and provider have no
    # index of their own (the unique (placement, date, part) and the (school, date) and
    # (provider, date) indexes lead with them), `marked_by` has none (deleting a user, which the
    # product never does outside the admin, scans the table to clear it) and no index names `mark`.
    # The "who" columns a submission writes (`marked_by` here, the register's and the submission's
    # `submitted_by`) are not checked by the database (Django still applies on_delete): a check
    # share-locks the person's row for each marked row, and concurrent submissions by one person
    # (a provider system's token) made PostgreSQL rebuild a multixact on that row for every lock:
    # python -m bench register, 283-305 against 333-336 req/s without the checks.
    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="expected_sessions",
                                  db_index=False)
    pupil = models.ForeignKey("placements.Pupil", on_delete=models.PROTECT, related_name="expected_sessions")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField()
    part = models.CharField(max_length=3, help_text="am, pm or day (placements.SessionPart)")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="starts_at + the register minutes of the SLA in force")
    site = models.CharField(max_length=200, blank=True)
    # The provider's mark ("" until taken)
    mark = models.CharField(max_length=12, choices=Mark.choices, blank=True)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    absence_reason = models.CharField(max_length=20, choices=AbsenceReason.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", db_index=False, db_constraint=False)
    # The school's own absence code, when it has decided one (N until then: attendance.rules)
    school_code = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "date", "part"], name="session_once_per_half_day"),
            models.CheckConstraint(name="session_ends_after_it_starts", condition=Q(ends_at__gt=F("starts_at"))),
            models.CheckConstraint(
                name="late_has_minutes",
                condition=~Q(mark=Mark.LATE) | Q(minutes_late__gt=0),
                violation_error_message="Enter how many minutes late the pupil was.",
            ),
            models.CheckConstraint(
                name="absent_has_reason",
                condition=~Q(mark=Mark.ABSENT) | ~Q(absence_reason=""),
                violation_error_message="Choose a reason for the absence.",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "date"], name="session_school_date"),
            models.Index(fields=["provider", "date"], name="session_provider_date"),
        ]

    def __str__(self) -> str:
        return f"Session {self.placement_id} {self.date:%Y-%m-%d} {self.part}"

    @classmethod
    def scope_q(cls, organisation):
        return _school_rules(organisation)


class MarkChange(ScopedModel):
    """A change to a mark after the register was submitted: append-only, kept as long as the
    register (the 2024 pupil registration regulations: original entry, new entry, reason, date, who)."""

    session = models.ForeignKey(ExpectedSession, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    old_mark = models.CharField(max_length=12, choices=Mark.choices, blank=True)
    old_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    old_absence_reason = models.CharField(max_length=20, choices=AbsenceReason.choices, blank=True)
    new_mark = models.CharField(max_length=12, choices=Mark.choices)
    new_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    new_absence_reason = models.CharField(max_length=20, choices=AbsenceReason.choices, blank=True)
    reason = models.CharField("Why the mark changed", max_length=300)

    class Meta:
        ordering = ["session", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.old_mark} → {self.new_mark} ({self.session_id})"

    @classmethod
    def scope_q(cls, organisation):
        return _school_rules(organisation, "session__")


class RegisterSubmission(ScopedModel):
    """A client-generated key per submission attempt: a double tap or a retry after a dropped
    connection finds its key and changes nothing twice."""

    key = models.UUIDField(unique=True)
    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="submissions")
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                     db_index=False, db_constraint=False)
    marks = models.PositiveSmallIntegerField(default=0, help_text="How many marks this submission wrote")

    class Meta:
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"Submission {self.key}"

    @classmethod
    def scope_q(cls, organisation):
        return Q(register__provider=organisation) if organisation.kind == OrganisationKind.PROVIDER else Q(pk__in=[])


class KnownAbsence(ScopedModel):
    """An absence the school knows of in advance (seed 000): it pre-fills the provider's register
    for every session of the placement in the dates given."""

    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="known_absences")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    first_date = models.DateField("First day absent")
    last_date = models.DateField("Last day absent")
    reason = models.CharField(max_length=20, choices=AbsenceReason.choices, default=AbsenceReason.SCHOOL_KNOWN)
    note = models.CharField("What the provider needs to know", max_length=300, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["placement", "first_date"]
        constraints = [
            models.CheckConstraint(name="known_absence_dates_in_order", condition=Q(last_date__gte=F("first_date")),
                                   violation_error_message="The last day must be on or after the first day."),
        ]
        indexes = [models.Index(fields=["placement", "last_date"], name="known_absence_placement")]

    def __str__(self) -> str:
        return f"Known absence {self.placement_id} {self.first_date}–{self.last_date}"

    @classmethod
    def scope_q(cls, organisation):
        return _school_rules(organisation)


class AttendanceSettings(ScopedModel):
    """A school's attendance choices: its below-target line and its missing-register ladder."""

    school = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="attendance_settings",
                                  limit_choices_to={"kind": OrganisationKind.SCHOOL})
    target_percent = models.PositiveSmallIntegerField(
        "Attendance below which a placement is flagged (%)", default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)])
    second_step_minutes = models.PositiveSmallIntegerField(
        "Minutes after the register is due before the DSL and AP lead are told", default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)])
    weekly_summary = models.BooleanField("Send the AP lead a weekly attendance summary", default=True)

    def __str__(self) -> str:
        return f"Attendance settings of {self.school_id}"

    @classmethod
    def scope_q(cls, organisation):
        return Q(school=organisation)


class NotAccountedFor(ScopedModel):
    """Provider staff report that a pupil on a session is not accounted for (not back from lunch,
    left the site): the target of the urgent "not_accounted_for" ladder (attendance.ladders). The
    note stays in the app (it may name the pupil); emails never carry it."""

    session = models.ForeignKey(ExpectedSession, on_delete=models.CASCADE, related_name="not_accounted_for")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    note = models.CharField("What happened (optional)", max_length=300, blank=True)
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-reported_at", "pk"]

    def __str__(self) -> str:
        return f"Not accounted for {self.session_id} at {self.reported_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_q(cls, organisation):
        return _school_rules(organisation)
