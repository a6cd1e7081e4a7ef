from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import ScopedModel, kind_rules


class SLAStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent for signature"
    PARTLY_SIGNED = "partly_signed", "Signed by one party"
    SIGNED = "signed", "Signed by both parties"
    TERMINATED = "terminated", "Terminated"


class Party(models.TextChoices):
    SCHOOL = "school", "School"
    PROVIDER = "provider", "Provider"


class RateUnit(models.TextChoices):
    """The SLA's costing basis: what an invoice line counts (finance.rules.basis_quantities).

    Per session and per day count what the provider delivered (sessions, days attended); per agreed
    hour, per week, per pupil per week and per term count what the school booked (the sessions
    expected in the period), attended or not."""

    SESSION = "session", "per session delivered"
    DAY = "day", "per day attended"
    HOUR = "hour", "per agreed hour"
    WEEK = "week", "per week booked"
    PUPIL_WEEK = "pupil_week", "per pupil per week booked"
    TERM = "term", "fixed per term"


# VAT as the SLA says: many alternative providers are VAT exempt (education by an eligible body).
NO_VAT, STANDARD_VAT = Decimal("0.00"), Decimal("20.00")
VAT_RATES = [(NO_VAT, "No VAT (exempt or zero-rated)"), (STANDARD_VAT, "20% (standard rate)")]


class InvoicingPeriod(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    HALF_TERMLY = "half_termly", "Half-termly"
    TERMLY = "termly", "Termly"


class ClauseTemplate(ScopedModel):
    """A school's own starting point for new SLAs (the built-in default comes from the seeds)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sla_templates")
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="sla_template_name_unique")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, organisation):
        return Q(organisation=organisation)


class TemplateClause(models.Model):
    template = models.ForeignKey(ClauseTemplate, on_delete=models.CASCADE, related_name="clauses")
    section = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.heading


class ServiceLevelAgreement(ScopedModel):
    """One version of an SLA between a commissioning school and a provider.

    Draft → sent → signed by one party → signed by both (locked). Editing after a signature voids
    the signatures; once both have signed nothing changes: an amendment is a new version with the
    same reference, which must be signed again.
    """

    reference = models.CharField(max_length=20, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="slas_commissioned",
                               limit_choices_to={"kind": OrganisationKind.SCHOOL})
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="slas_provided",
                                 limit_choices_to={"kind": OrganisationKind.PROVIDER})
    status = models.CharField(max_length=15, choices=SLAStatus.choices, default=SLAStatus.DRAFT)
    placements = models.ManyToManyField("placements.Placement", blank=True, related_name="slas",
                                        help_text="The placements this SLA covers.")

    # Schedule (seed 001 §17: dates, hours, days/sessions, pupils, costings)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    days_and_sessions = models.CharField(max_length=200, blank=True)
    number_of_pupils = models.PositiveSmallIntegerField(null=True, blank=True)
    rate = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    rate_unit = models.CharField(max_length=12, choices=RateUnit.choices, default=RateUnit.SESSION)
    vat_rate = models.DecimalField("VAT rate (%)", max_digits=5, decimal_places=2, choices=VAT_RATES,
                                   default=NO_VAT)
    estimated_total = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    invoicing_period = models.CharField(max_length=12, choices=InvoicingPeriod.choices, default=InvoicingPeriod.HALF_TERMLY)
    payment_due_days = models.PositiveSmallIntegerField(default=30, validators=[MaxValueValidator(120)])
    transport_arrangement = models.CharField(max_length=300, blank=True)
    insurance_statement = models.CharField(max_length=300, blank=True)

    # Numbers the app enforces: attendance and monitoring rules read them from the signed SLA.
    register_deadline_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(120)])
    incidents_before_emergency_review = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(20)])
    visits_per_half_term = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)])

    # Safeguarding acknowledgements (seed 000 signature block)
    provider_dsl_acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                     on_delete=models.PROTECT, related_name="+")
    provider_dsl_acknowledged_at = models.DateTimeField(null=True, blank=True)
    safeguarding_policy_received_on = models.DateField(null=True, blank=True)
    safeguarding_policy_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                        on_delete=models.PROTECT, related_name="+")

    sent_at = models.DateTimeField(null=True, blank=True)
    first_sent_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)

    pdf_path = models.CharField(max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    pdf_generated_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["reference", "version"], name="sla_reference_version_unique"),
            models.CheckConstraint(
                name="sla_dates_in_order",
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                violation_error_message="The end date must be on or after the start date.",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status"], name="sla_school_status"),
            models.Index(fields=["provider", "status"], name="sla_provider_status"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} v{self.version}"

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(
            organisation,
            school=Q(school=organisation),
            provider=Q(provider=organisation, first_sent_at__isnull=False),
            local_authority=Q(school__local_authority=organisation,
                              status__in=[SLAStatus.SIGNED, SLAStatus.TERMINATED]),
            trust=Q(school__trust=organisation),
        )

    def save(self, *args, **kwargs):
        if getattr(self, "costs_withheld", False):
            raise RuntimeError("This SLA was read without its costs (slas.selectors) and must not be saved.")
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status in (SLAStatus.DRAFT, SLAStatus.SENT, SLAStatus.PARTLY_SIGNED)

    @property
    def is_locked(self) -> bool:
        return self.status in (SLAStatus.SIGNED, SLAStatus.TERMINATED)


class SLAClause(models.Model):
    sla = models.ForeignKey(ServiceLevelAgreement, on_delete=models.CASCADE, related_name="clauses")
    section = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["sla", "position"], name="sla_clause_position_unique")]

    def __str__(self) -> str:
        return self.heading


class SLASignature(models.Model):
    """A party's electronic signature over the exact content (its SHA-256) at that moment."""

    sla = models.ForeignKey(ServiceLevelAgreement, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=10, choices=Party.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(max_length=150)
    position = models.CharField(max_length=150)
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["sla", "party"], condition=Q(voided_at__isnull=True),
                                    name="one_live_signature_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.typed_name} for {self.get_party_display()}"
