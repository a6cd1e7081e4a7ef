"""Pupil records. Ordinary details live on `Pupil`; special-category data (Art 9/10 UK GDPR:
health, SEN, safeguarding, youth justice, ethnicity, religion) lives on `PupilSensitive` and
`OtherAgency`, so a selector or view that does not ask for them cannot leak them.
"""

from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import ScopedModel, ScopedOneToOneField, kind_rules

from ..upn import validate_upn
from .choices import (
    IN_AP_STATES,
    PROVIDER_DETAIL_STATES,
    ChildProtectionCategory,
    Gender,
    LookedAfter,
    SenProvision,
)

YEAR_GROUPS = [(0, "Reception")] + [(n, f"Year {n}") for n in range(1, 15)]


def _placements():
    from .placements import Placement

    # The plain manager: this subquery runs inside another model's scope rule.
    return Placement._base_manager


def pupil_ids_referred_to(provider, states=PROVIDER_DETAIL_STATES):
    return _placements().filter(provider=provider, state__in=states).values("pupil_id")


def pupil_ids_in_ap_in_area(local_authority):
    return _placements().filter(school__local_authority=local_authority, state__in=IN_AP_STATES).values("pupil_id")


class Pupil(ScopedModel):
    """A pupil on a commissioning school's roll (seed 001 §15 "Pupil's details")."""

    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pupils",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
    )
    first_name = models.CharField("Legal first name", max_length=100)
    middle_names = models.CharField("Legal middle names", max_length=150, blank=True)
    last_name = models.CharField("Legal last name", max_length=100)
    preferred_name = models.CharField("Preferred name", max_length=100, blank=True)
    date_of_birth = models.DateField("Date of birth")
    upn = models.CharField("UPN", max_length=13, validators=[validate_upn])
    year_group = models.PositiveSmallIntegerField(choices=YEAR_GROUPS)
    gender = models.CharField(max_length=12, choices=Gender.choices, blank=True)
    first_language = models.CharField("First language", max_length=60, blank=True)
    address = models.TextField(blank=True)
    free_school_meals = models.BooleanField("Entitled to free school meals", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="pupil_upn_unique_per_school"),
        ]
        indexes = [models.Index(fields=["school", "last_name", "first_name"], name="pupil_school_name")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def legal_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_names, self.last_name) if p)

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.first_name

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(
            organisation,
            school=Q(school=organisation),
            trust=Q(school__trust=organisation),
            # A provider sees a pupil it has been referred and is working with.
            provider=Q(pk__in=pupil_ids_referred_to(organisation)),
            # An LA sees children currently in AP in its area (never their special-category data).
            local_authority=Q(pk__in=pupil_ids_in_ap_in_area(organisation)),
        )


class PupilSensitive(ScopedModel):
    """Special-category data about a pupil. Read only with VIEW_SPECIAL_CATEGORY, always audited.

    Visible to the pupil's school and, while it works with the pupil, to the provider (whose
    pages show only the sections the referral shares). Never to a trust or an LA.
    """

    pupil = ScopedOneToOneField(Pupil, on_delete=models.CASCADE, related_name="sensitive")
    ethnicity = models.CharField("Ethnic group", max_length=80, blank=True)
    religion = models.CharField(max_length=80, blank=True)
    # Looked after / safeguarding (seed 001 §15)
    looked_after = models.CharField("Looked after", max_length=10, choices=LookedAfter.choices, default=LookedAfter.NO)
    order_held_by = models.CharField("Local authority holding the order", max_length=120, blank=True)
    date_in_care = models.DateField("Date in care", null=True, blank=True)
    child_protection = models.BooleanField("Child protection plan (section 47)", default=False)
    child_protection_category = models.CharField(
        "Child protection category", max_length=12, choices=ChildProtectionCategory.choices, blank=True)
    child_in_need = models.BooleanField("Child in need (section 17)", default=False)
    private_fostering = models.BooleanField("Privately fostered", default=False)
    youth_offending_service = models.BooleanField("Known to the youth offending service", default=False)
    # SEN and health
    sen_provision = models.CharField("SEN provision", max_length=16, choices=SenProvision.choices,
                                     default=SenProvision.NONE)
    sen_details = models.TextField("Special educational needs", blank=True)
    disabled = models.BooleanField("Considered to be disabled", default=False)
    disability_details = models.TextField("Disability details", blank=True)
    access_arrangements = models.TextField("Access arrangements", blank=True)
    medical_needs = models.TextField("Medical, health or physical needs", blank=True)
    medication = models.TextField("Prescribed medication", blank=True)
    mental_health_concerns = models.TextField("Mental health concerns", blank=True)
    mental_health_referral = models.BooleanField("Referred to a mental health professional", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "pupil's special-category record"
        constraints = [
            models.CheckConstraint(
                name="cp_category_only_with_plan",
                condition=Q(child_protection=True) | Q(child_protection_category=""),
                violation_error_message="A child protection category needs a child protection plan.",
            ),
        ]

    def __str__(self) -> str:
        return f"Special-category record for {self.pupil}"

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(
            organisation,
            school=Q(pupil__school=organisation),
            provider=Q(pupil_id__in=pupil_ids_referred_to(organisation)),
        )

    @property
    def has_ehcp(self) -> bool:
        return self.sen_provision == SenProvision.EHCP

    @property
    def is_looked_after(self) -> bool:
        return self.looked_after != LookedAfter.NO


class ParentCarer(ScopedModel):
    """A parent or carer's contact details."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="parent_carers")
    name = models.CharField("Full name", max_length=150)
    relationship = models.CharField("Relationship to pupil", max_length=60)
    phone = models.CharField("Phone number", max_length=30, blank=True)
    email = models.EmailField("Email address", blank=True)
    address = models.TextField(blank=True)
    lives_with_pupil = models.BooleanField("Lives with the pupil", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(
            organisation,
            school=Q(pupil__school=organisation),
            provider=Q(pupil_id__in=pupil_ids_referred_to(organisation)),
        )


class OtherAgency(ScopedModel):
    """Another agency working with the pupil (social care, early help, EWS, YOT…).

    Special category: that an agency is involved says something about the child.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="agencies")
    agency = models.CharField("Name of agency", max_length=120)
    contact_name = models.CharField("Contact name", max_length=150, blank=True)
    email = models.EmailField("Email address", blank=True)
    phone = models.CharField("Phone number", max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "created_at", "pk"]
        verbose_name_plural = "other agencies"

    def __str__(self) -> str:
        return self.agency

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(
            organisation,
            school=Q(pupil__school=organisation),
            provider=Q(pupil_id__in=pupil_ids_referred_to(organisation)),
        )
