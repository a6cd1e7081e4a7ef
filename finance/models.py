"""Invoices a provider raises against a signed SLA, checked line by line against the sessions it
delivered or was booked for (issue 14 item 4; seed 000 §7: "The Alternative Education Provision
will invoice ... for the agreed amount by an agreed date/time period").

draft → submitted → authorised | queried | rejected; a queried invoice goes back to the provider,
who changes it and submits it again. Money is Decimal to the penny (finance.rules).

Who sees which invoices (`scope_q`): the provider its own (drafts included); the school the ones
sent to it; a trust its schools' sent invoices (for aggregate cost figures only: no trust role
reads costs, tenancy.visibility); local authorities none.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import ScopedModel, kind_rules


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting authorisation"
    AUTHORISED = "authorised", "Authorised"
    QUERIED = "queried", "Queried"
    REJECTED = "rejected", "Rejected"


# The provider changes lines while the invoice is with it.
EDITABLE_STATES = (InvoiceStatus.DRAFT, InvoiceStatus.QUERIED)


class DecisionAction(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    AUTHORISED = "authorised", "Authorised"
    QUERIED = "queried", "Queried"
    REJECTED = "rejected", "Rejected"


def invoice_rules(organisation, prefix: str = "") -> Q:
    """Which invoices (or rows of one, through `prefix`) an organisation sees."""

    def q(**kwargs):
        return Q(**{f"{prefix}{k}": v for k, v in kwargs.items()})

    return kind_rules(
        organisation,
        provider=q(provider=organisation),
        school=q(school=organisation, submitted_at__isnull=False),
        trust=q(school__trust=organisation, submitted_at__isnull=False),
    )


class Invoice(ScopedModel):
    sla = models.ForeignKey("slas.ServiceLevelAgreement", on_delete=models.PROTECT, related_name="invoices")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"kind": OrganisationKind.SCHOOL})
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"kind": OrganisationKind.PROVIDER})
    number = models.CharField("Invoice number", max_length=30)
    period_start = models.DateField("First day of the period")
    period_end = models.DateField("Last day of the period")
    status = models.CharField(max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    # Copied from the SLA when raised: the invoice says what it charged on.
    rate_unit = models.CharField(max_length=12)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    # Totals kept in step with the lines by finance.services (finance.rules.totals).
    net_total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    vat_total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    gross_total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    flagged_lines = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)  # first sent to the school
    issued_on = models.DateField(null=True, blank=True)  # the invoice date: the latest submission
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "number"], name="invoice_number_once_per_provider"),
            models.CheckConstraint(name="invoice_period_in_order", condition=Q(period_end__gte=F("period_start")),
                                   violation_error_message="The last day must be on or after the first day."),
        ]
        indexes = [
            models.Index(fields=["school", "status"], name="invoice_school_status"),
            models.Index(fields=["provider", "status"], name="invoice_provider_status"),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number}"

    @classmethod
    def scope_q(cls, organisation):
        return invoice_rules(organisation)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES


class InvoiceLine(ScopedModel):
    """One charge: a placement's sessions, days, hours or weeks (or, per week or per term, the SLA's
    whole provision: no placement), with what the sessions say was delivered or booked."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    placement = models.ForeignKey("placements.Placement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=8, decimal_places=2)
    unit_price = models.DecimalField(max_digits=8, decimal_places=2)
    net = models.DecimalField(max_digits=10, decimal_places=2)
    vat = models.DecimalField(max_digits=10, decimal_places=2)
    # What the sessions in the period support (delivered or booked, by the costing basis); a quantity
    # above it is flagged to both sides.
    supported_quantity = models.DecimalField(max_digits=8, decimal_places=2)
    attended_sessions = models.PositiveIntegerField(default=0)
    expected_sessions = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["invoice", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_once"),
        ]

    def __str__(self) -> str:
        return self.description

    @classmethod
    def scope_q(cls, organisation):
        return invoice_rules(organisation, "invoice__")

    @property
    def flagged(self) -> bool:
        return self.quantity > self.supported_quantity

    @property
    def excess(self) -> Decimal:
        return max(self.quantity - self.supported_quantity, Decimal("0"))


class InvoiceDecision(ScopedModel):
    """The invoice's history: each submission and each decision, who, when and why."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=12, choices=DecisionAction.choices)
    reason = models.TextField(blank=True)
    gross_total = models.DecimalField(max_digits=10, decimal_places=2)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["invoice", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="invoice_query_or_reject_has_reason",
                condition=~Q(action__in=["queried", "rejected"]) | ~Q(reason=""),
                violation_error_message="Give a reason for querying or rejecting the invoice.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.invoice_id}"

    @classmethod
    def scope_q(cls, organisation):
        return invoice_rules(organisation, "invoice__")
