"""Provider directory and due diligence (issue #3).

Who sees what (every rule is a `scope_q`, so views never filter by hand):

* The provider's **due-diligence pack** — profile, sites, offer, declared pupil numbers, policy
  documents, the non-personal facts of each staff member's vetting checks, and the written KCSIE
  confirmation — is visible to the provider itself, to every LA that lists it (ProviderListing),
  and to schools in any LA that lists it. One pack, many commissioners (`pack_q`).
* **Staff personal details** (names, job titles, DBS certificate numbers, qualifications) are in
  their own model, `StaffMember`, visible only to the provider. Schools and LAs get counts and
  current/not-current per check from `StaffVetting` (selectors.vetting_summary), never names.
* **Suitability checks** belong to the school that made them (and its trust). Providers and LAs
  do not see them: they are the school's own due-diligence record, with candid evidence notes.
* **Listings**: the LA and the provider see their listing rows; schools see the listings of
  their own LA (that is what the directory and "LA approval status" are).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import ScopedModel, kind_rules

from . import rules
from .storage import document_upload_to, private_storage

PROVIDER_ONLY = {"kind": OrganisationKind.PROVIDER}


class ListingStatus(models.TextChoices):
    """The provider's current standing in one LA's directory. "Listed" until the LA's first
    decision; after that the status of the LA's latest approval decision (qa_framework's approved
    list: the decisions are the history, this is the current value, written only by the decision
    service through `providers.api.listing_status_write`)."""

    LISTED = "listed", "Listed"
    APPROVED = "approved", "Approved"
    CONDITIONS = "conditions", "Approved with conditions"
    NOT_APPROVED = "not_approved", "Not approved"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SUSPENDED = "suspended", "Suspended"
    LAPSED = "lapsed", "Approval lapsed"


# What schools may do with a provider in each status (enforced by placements and slas through
# providers.api.commissioning_check): refused — no new referral, no new SLA; warned — allowed, with
# the reason shown.
REFUSED_STATUSES = (ListingStatus.SUSPENDED, ListingStatus.NOT_APPROVED, ListingStatus.WITHDRAWN,
                    ListingStatus.LAPSED)
WARNED_STATUSES = (ListingStatus.CONDITIONS, ListingStatus.LISTED)


class ProviderListing(ScopedModel):
    """A local authority lists a provider in its directory (a provider may be listed by several).

    This row is also the explicit grant that lets the LA, and the schools in its area, see the
    provider's due-diligence pack.
    """

    local_authority = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="provider_listings",
        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY},
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="listings",
        limit_choices_to={"kind": OrganisationKind.PROVIDER},
    )
    status = models.CharField(max_length=12, choices=ListingStatus.choices, default=ListingStatus.LISTED)
    listed_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "provider"], name="one_listing_per_la_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} in {self.local_authority}"

    @classmethod
    def scope_q(cls, organisation):
        own = Q(local_authority=organisation) | Q(provider=organisation)
        if organisation.kind == OrganisationKind.SCHOOL:
            return Q(local_authority_id=organisation.local_authority_id) if organisation.local_authority_id else Q(pk__in=[])
        return own


def pack_q(organisation, field: str = "provider") -> Q:
    """Rows of a provider's due-diligence pack visible to `organisation` (see the module docstring)."""
    listed_by = ProviderListing._base_manager.values("provider_id")
    lookup = f"{field}_id__in"
    school_rule = Q(pk__in=[])
    if organisation.kind == OrganisationKind.SCHOOL and organisation.local_authority_id:
        school_rule = Q(**{lookup: listed_by.filter(local_authority_id=organisation.local_authority_id)})
    return kind_rules(
        organisation,
        provider=Q(**{field: organisation}),
        local_authority=Q(**{lookup: listed_by.filter(local_authority=organisation)}),
        school=school_rule,
    )


class PackModel(ScopedModel):
    """Part of a provider's due-diligence pack: visible along `pack_q`."""

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, organisation):
        return pack_q(organisation)


postcode_validator = RegexValidator(
    r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$",
    "Enter a real postcode, like NS1 4AB",
)


# --- Profile -------------------------------------------------------------------------------

class EntityType(models.TextChoices):
    COMPANY_GUARANTEE = "company_guarantee", "Company limited by guarantee"
    COMPANY_SHARES = "company_shares", "Company limited by shares"
    CIC = "cic", "Community interest company (CIC)"
    CHARITY_CIO = "cio", "Charitable incorporated organisation (CIO)"
    CHARITY = "charity", "Registered charity (unincorporated)"
    SOLE_TRADER = "sole_trader", "Sole trader"
    PARTNERSHIP = "partnership", "Partnership or LLP"
    PUBLIC_BODY = "public_body", "Local authority, school or college"
    OTHER = "other", "Other"


class RegistrationStatus(models.TextChoices):
    UNREGISTERED = "unregistered", "Unregistered (not an independent school)"
    REGISTERED = "registered", "Registered independent school"


class OfstedJudgement(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_YET = "not_yet", "Not yet inspected"


UKPRN_ERROR = "Enter a UKPRN of 8 digits starting with 1, like 10012345"
ukprn_validator = RegexValidator(r"^1[0-9]{7}$", UKPRN_ERROR)


class ProviderProfile(PackModel):
    """The provider's own description of itself, kept by its staff (issue #3 §1-2)."""

    provider = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="provider_profile",
                                    limit_choices_to=PROVIDER_ONLY)
    legal_name = models.CharField("Legal name", max_length=200, blank=True)
    entity_type = models.CharField("Legal entity type", max_length=20, choices=EntityType.choices, blank=True)
    company_number = models.CharField(
        "Company number", max_length=8, blank=True,
        validators=[RegexValidator(r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$", "Enter a company number of 8 characters, like 01234567 or SC123456")],
    )
    charity_number = models.CharField(
        "Charity number", max_length=12, blank=True,
        validators=[RegexValidator(r"^[0-9]{6,8}(-[0-9]{1,2})?$", "Enter a charity number of 6 to 8 digits, like 1123456")],
    )
    # UK Provider Reference Number (UK Register of Learning Providers): 8 digits starting 1. The school
    # census records it for a placement whose provider has no URN (oversight.census).
    ukprn = models.CharField(
        "UKPRN", max_length=8, blank=True,
        validators=[ukprn_validator],
    )
    overview = models.TextField("Overview of the provision", blank=True)
    address = models.TextField("Address", blank=True)
    postcode = models.CharField("Postcode", max_length=10, blank=True, validators=[postcode_validator])
    website = models.URLField("Website", blank=True)
    social_media = models.TextField("Social media links", blank=True, help_text="One link a line")
    contact_name = models.CharField("Named contact", max_length=150, blank=True)
    contact_phone = models.CharField("Contact telephone", max_length=30, blank=True)
    contact_email = models.EmailField("Contact email", blank=True)
    dsl_name = models.CharField("Designated safeguarding lead", max_length=150, blank=True)
    dsl_phone = models.CharField("DSL telephone", max_length=30, blank=True)
    dsl_email = models.EmailField("DSL email", blank=True)
    dsl_trained_on = models.DateField("DSL training date", null=True, blank=True)
    deputy_dsl_name = models.CharField("Deputy DSL", max_length=150, blank=True)
    deputy_dsl_phone = models.CharField("Deputy DSL telephone", max_length=30, blank=True)
    deputy_dsl_email = models.EmailField("Deputy DSL email", blank=True)
    deputy_dsl_trained_on = models.DateField("Deputy DSL training date", null=True, blank=True)
    team_teach = models.BooleanField("Staff trained in Team Teach or equivalent", null=True, blank=True)
    team_teach_detail = models.CharField("Physical intervention training", max_length=200, blank=True)
    send_suitable = models.BooleanField("Suitable for pupils with SEND", default=False)
    send_detail = models.TextField("SEND needs you can meet", blank=True)
    capacity = models.PositiveSmallIntegerField("Places", null=True, blank=True)
    age_from = models.PositiveSmallIntegerField("Youngest age", null=True, blank=True,
                                                validators=[MinValueValidator(4), MaxValueValidator(25)])
    age_to = models.PositiveSmallIntegerField("Oldest age", null=True, blank=True,
                                              validators=[MinValueValidator(4), MaxValueValidator(25)])
    # Registration (seed 001 §5-6)
    registration_status = models.CharField("Registration status", max_length=20, choices=RegistrationStatus.choices,
                                           default=RegistrationStatus.UNREGISTERED)
    dfe_urn = models.CharField("DfE URN", max_length=8, blank=True,
                               validators=[RegexValidator(r"^[0-9]{6,7}$", "Enter a URN of 6 or 7 digits")])
    ofsted_judgement = models.CharField("Latest Ofsted judgement", max_length=25, choices=OfstedJudgement.choices, blank=True)
    ofsted_judged_on = models.DateField("Date of latest Ofsted judgement", null=True, blank=True)
    # Derived from the declared pupil groups on every write (services.pupil_groups_changed).
    registration_required = models.BooleanField(default=False, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="profile_age_range", condition=Q(age_from__isnull=True) | Q(age_to__isnull=True) | Q(age_from__lte=models.F("age_to")),
                violation_error_message="The youngest age must not be more than the oldest age.",
            ),
            models.CheckConstraint(
                name="registered_school_has_urn",
                condition=~Q(registration_status=RegistrationStatus.REGISTERED) | ~Q(dfe_urn=""),
                violation_error_message="A registered independent school has a DfE URN.",
            ),
        ]
        indexes = [models.Index(fields=["registration_status", "registration_required"], name="profile_registration")]

    def __str__(self) -> str:
        return f"Profile of {self.provider_id}"

    @property
    def is_registered(self) -> bool:
        return self.registration_status == RegistrationStatus.REGISTERED

    @property
    def must_register(self) -> bool:
        """Unregistered, yet its declared pupils mean it must register: do not commission."""
        return self.registration_required and not self.is_registered

    REQUIRED_FOR_COMPLETE = ("legal_name", "entity_type", "address", "postcode", "contact_name",
                             "contact_phone", "contact_email", "dsl_name", "dsl_phone", "dsl_email",
                             "dsl_trained_on", "deputy_dsl_name", "age_from", "age_to", "capacity")

    @property
    def missing_fields(self) -> list[str]:
        return [self._meta.get_field(f).verbose_name for f in self.REQUIRED_FOR_COMPLETE
                if getattr(self, f) in (None, "")] + (["Team Teach (yes or no)"] if self.team_teach is None else [])

    @property
    def social_links(self) -> list[str]:
        return [line.strip() for line in self.social_media.splitlines() if line.strip()]


class ProviderSite(PackModel):
    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="provider_sites",
                                 limit_choices_to=PROVIDER_ONLY)
    name = models.CharField("Site name", max_length=150)
    address = models.TextField("Address")
    postcode = models.CharField("Postcode", max_length=10, validators=[postcode_validator])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeclaredPupilGroup(PackModel):
    """Pupils the provider teaches now (for every commissioner), as the registration test needs them.

    No names: a number of pupils on the same weekly hours, how many are of compulsory school age,
    looked after or have an EHC plan. The directory runs rules.registration_required over these.
    """

    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="declared_pupil_groups",
                                 limit_choices_to=PROVIDER_ONLY)
    description = models.CharField("Group", max_length=120, help_text="For example, Year 10 motor vehicle, Tuesdays and Thursdays")
    pupils = models.PositiveSmallIntegerField("Number of pupils", validators=[MinValueValidator(1), MaxValueValidator(500)])
    weekly_hours = models.DecimalField("Hours a week for each pupil", max_digits=4, decimal_places=1,
                                       validators=[MinValueValidator(0), MaxValueValidator(60)])
    compulsory_school_age = models.BooleanField("Of compulsory school age", default=True)
    looked_after = models.PositiveSmallIntegerField("How many are looked after", default=0)
    with_ehcp = models.PositiveSmallIntegerField("How many have an EHC plan", default=0)

    class Meta:
        ordering = ["description"]
        constraints = [
            models.CheckConstraint(name="pupil_group_lac_le_pupils", condition=Q(looked_after__lte=models.F("pupils")),
                                   violation_error_message="Looked-after pupils cannot be more than the pupils in the group."),
            models.CheckConstraint(name="pupil_group_ehcp_le_pupils", condition=Q(with_ehcp__lte=models.F("pupils")),
                                   violation_error_message="Pupils with an EHC plan cannot be more than the pupils in the group."),
        ]

    def __str__(self) -> str:
        return self.description

    def loads(self) -> list[rules.PupilLoad]:
        return [
            rules.PupilLoad(weekly_hours=self.weekly_hours, compulsory_school_age=self.compulsory_school_age,
                            looked_after=i < self.looked_after, has_ehcp=i < self.with_ehcp)
            for i in range(self.pupils)
        ]


# --- Offer ---------------------------------------------------------------------------------

class SubjectArea(models.TextChoices):
    ENGLISH_MATHS = "english_maths", "English and maths"
    ACADEMIC = "academic", "Academic (GCSE and other subjects)"
    MOTOR_VEHICLE = "motor_vehicle", "Motor vehicle"
    CONSTRUCTION = "construction", "Construction and trades"
    HAIR_BEAUTY = "hair_beauty", "Hair and beauty"
    CATERING = "catering", "Catering and hospitality"
    LAND_ANIMAL = "land_animal", "Land-based and animal care"
    SPORT = "sport", "Sport and outdoor education"
    CREATIVE = "creative", "Creative arts, music and media"
    DIGITAL = "digital", "Digital and IT"
    EMPLOYABILITY = "employability", "Employability and work skills"
    MENTORING = "mentoring", "Mentoring and personal development"
    THERAPEUTIC = "therapeutic", "Therapeutic and wellbeing"


class QualificationLevel(models.TextChoices):
    NONE = "none", "No qualification (unaccredited)"
    ENTRY = "entry", "Entry level"
    LEVEL_1 = "1", "Level 1"
    LEVEL_2 = "2", "Level 2 (GCSE 9 to 4)"
    LEVEL_3 = "3", "Level 3"
    AWARD = "award", "Award or certificate (e.g. AQA Unit Award)"


WEEKDAYS = (("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"), ("fri", "Friday"))


class Offer(PackModel):
    """A course or programme (seed 001 §18 'Courses and programmes which can be offered')."""

    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="offers",
                                 limit_choices_to=PROVIDER_ONLY)
    title = models.CharField("Course or programme", max_length=150)
    subject = models.CharField("Type of provision", max_length=20, choices=SubjectArea.choices)
    expected_outcome = models.TextField("Expected outcome")
    qualification = models.CharField("Qualification", max_length=200, blank=True)
    qualification_level = models.CharField("Level", max_length=10, choices=QualificationLevel.choices,
                                           default=QualificationLevel.NONE)
    full_time_weeks = models.PositiveSmallIntegerField(
        "Full-time placement length in weeks", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)])
    part_time_days = models.PositiveSmallIntegerField(
        "Longer-term part-time days a week", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2)])
    on_mon = models.BooleanField("Monday", default=False)
    on_tue = models.BooleanField("Tuesday", default=False)
    on_wed = models.BooleanField("Wednesday", default=False)
    on_thu = models.BooleanField("Thursday", default=False)
    on_fri = models.BooleanField("Friday", default=False)
    session_start = models.TimeField("Session start", null=True, blank=True)
    session_end = models.TimeField("Session end", null=True, blank=True)
    cost_per_session = models.DecimalField("Cost per session (£)", max_digits=7, decimal_places=2, null=True, blank=True,
                                           validators=[MinValueValidator(0)])
    cost_per_day = models.DecimalField("Cost per day (£)", max_digits=7, decimal_places=2, null=True, blank=True,
                                       validators=[MinValueValidator(0)])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                name="offer_has_a_length", condition=Q(full_time_weeks__isnull=False) | Q(part_time_days__isnull=False),
                violation_error_message="Offer at least one length: full time for up to 12 weeks, or part time for up to 2 days a week.",
            ),
            models.CheckConstraint(
                name="offer_full_time_at_most_12_weeks",
                condition=Q(full_time_weeks__isnull=True) | Q(full_time_weeks__gte=1, full_time_weeks__lte=12),
                violation_error_message="Full-time placements are up to 12 weeks.",
            ),
            models.CheckConstraint(
                name="offer_part_time_at_most_2_days",
                condition=Q(part_time_days__isnull=True) | Q(part_time_days__gte=1, part_time_days__lte=2),
                violation_error_message="Longer-term part-time placements are up to 2 days a week.",
            ),
            models.CheckConstraint(
                name="offer_session_ends_after_start",
                condition=Q(session_start__isnull=True) | Q(session_end__isnull=True) | Q(session_end__gt=models.F("session_start")),
                violation_error_message="The session must end after it starts.",
            ),
        ]
        indexes = [models.Index(fields=["provider", "subject"], name="offer_provider_subject")]

    def __str__(self) -> str:
        return self.title

    @property
    def days(self) -> list[str]:
        return [label for code, label in WEEKDAYS if getattr(self, f"on_{code}")]


# --- Policy documents ----------------------------------------------------------------------

class DocumentKind(models.TextChoices):
    SAFEGUARDING = "safeguarding", "Safeguarding and child protection policy"
    ANTI_BULLYING = "anti_bullying", "Anti-bullying policy"
    DATA_PROTECTION = "data_protection", "Data protection policy"
    EQUAL_OPPORTUNITIES = "equal_opportunities", "Equal opportunities policy"
    STAFF_CONDUCT = "staff_conduct", "Staff conduct, discipline and grievance policies"
    ATTENDANCE = "attendance", "Attendance policy"
    BEHAVIOUR = "behaviour", "Behaviour principles, including physical intervention"
    ALLEGATIONS = "allegations", "Procedure for allegations against staff"
    HEALTH_SAFETY = "health_safety", "Health and safety policy"
    ONLINE_SAFETY = "online_safety", "Online safety policy, with filtering and monitoring"
    MOBILE_PHONES = "mobile_phones", "Mobile phones policy"
    LONE_WORKING = "lone_working", "Lone working policy"
    FIRE_RISK = "fire_risk", "Fire risk assessment"
    PREMISES = "premises", "Premises management documents"
    FIRST_AID = "first_aid", "First aid policy"
    CAREERS = "careers", "Careers guidance policy"
    INSURANCE = "insurance", "Public liability insurance certificate"


# Every kind is required for a complete pack (seed 000 §4; seed 001 §13, §18; seed 002).
REQUIRED_DOCUMENT_KINDS: tuple[str, ...] = tuple(DocumentKind.values)


class PolicyDocument(PackModel):
    """One uploaded version of a policy, assessment or certificate.

    Uploading a new version of a kind makes it current and keeps the old one (not current) as
    history. Its expiry reminders are the "document_expiry" ladder (providers/ladders.py).
    """

    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="policy_documents",
                                 limit_choices_to=PROVIDER_ONLY)
    kind = models.CharField("Document", max_length=25, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_upload_to, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    issued_on = models.DateField("Issue date")
    review_on = models.DateField("Review or expiry date")
    insurer = models.CharField("Insurer", max_length=150, blank=True)
    cover_amount = models.DecimalField("Cover (£)", max_digits=12, decimal_places=0, null=True, blank=True)
    covers_under_16s = models.BooleanField("Covers pupils under 16", null=True, blank=True)
    last_fire_drill_on = models.DateField("Date of last fire drill", null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    is_current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "kind"], condition=Q(is_current=True),
                                    name="one_current_document_per_kind"),
            models.CheckConstraint(name="document_review_after_issue", condition=Q(review_on__gt=models.F("issued_on")),
                                   violation_error_message="The review or expiry date must be after the issue date."),
            models.CheckConstraint(
                name="insurance_has_details",
                condition=~Q(kind="insurance") | (~Q(insurer="") & Q(cover_amount__isnull=False) & Q(covers_under_16s__isnull=False)),
                violation_error_message="An insurance certificate needs the insurer, the cover and whether pupils under 16 are covered.",
            ),
            models.CheckConstraint(
                name="fire_risk_has_drill_date",
                condition=~Q(kind="fire_risk") | Q(last_fire_drill_on__isnull=False),
                violation_error_message="A fire risk assessment needs the date of the last fire drill.",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "kind"], name="document_current", condition=Q(is_current=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.issued_on:%d/%m/%Y})"

    @property
    def download_name(self) -> str:
        ext = "." + self.file.name.rsplit(".", 1)[-1] if "." in self.file.name else ""
        return f"{self.get_kind_display()}{ext}"


# --- Staff vetting register (single central record summary) --------------------------------

class TrainingLevel(models.IntegerChoices):
    LEVEL_1 = 1, "Level 1 (awareness)"
    LEVEL_2 = 2, "Level 2"
    LEVEL_3 = 3, "Level 3 (designated safeguarding lead)"
    LEVEL_4 = 4, "Level 4 (manager or trainer)"


class StaffMember(ScopedModel):
    """Personal details of a member of the provider's staff. Visible to the provider only."""

    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="staff_members",
                                 limit_choices_to=PROVIDER_ONLY)
    full_name = models.CharField("Full name", max_length=150)
    job_title = models.CharField("Role", max_length=120)
    dbs_certificate_number = models.CharField(
        "DBS certificate number", max_length=12, blank=True,
        validators=[RegexValidator(r"^[0-9]{12}$", "Enter the 12-digit DBS certificate number")])
    qualifications = models.TextField("Qualifications", blank=True)
    left_on = models.DateField("Date left", null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(organisation, provider=Q(provider=organisation))


class StaffVetting(PackModel):
    """The vetting and training facts for one staff member, without who they are.

    Shared along the pack (schools and LAs count these: "all staff have an enhanced DBS"), while
    names and certificate numbers stay in StaffMember. Due dates are derived on every write.
    """

    staff = models.OneToOneField(StaffMember, on_delete=models.CASCADE, related_name="vetting")
    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="staff_vetting",
                                 limit_choices_to=PROVIDER_ONLY)
    is_active = models.BooleanField(default=True)
    is_manager = models.BooleanField("Manager, supervisor or safeguarding lead", default=False)
    dbs_enhanced = models.BooleanField("Enhanced DBS check with children's barred list", default=False)
    dbs_issued_on = models.DateField("DBS certificate issue date", null=True, blank=True)
    dbs_update_service = models.BooleanField("On the DBS update service", default=False)
    dbs_status_checked_on = models.DateField("Last update service status check", null=True, blank=True)
    barred_list_checked_on = models.DateField("Children's barred list check date", null=True, blank=True)
    right_to_work_checked_on = models.DateField("Right to work check date", null=True, blank=True)
    training_level = models.PositiveSmallIntegerField("Safeguarding training level", choices=TrainingLevel.choices,
                                                      null=True, blank=True)
    trained_on = models.DateField("Safeguarding training date", null=True, blank=True)
    team_teach = models.BooleanField("Team Teach or equivalent trained", default=False)
    dbs_due_on = models.DateField(null=True, blank=True, editable=False)
    training_due_on = models.DateField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Vetting record {self.pk}"

    @property
    def training_level_ok(self) -> bool:
        return (self.training_level or 0) >= rules.training_level_required(is_manager=self.is_manager)

    def derive_due_dates(self) -> None:
        self.dbs_due_on = rules.dbs_recheck_due(issued_on=self.dbs_issued_on, update_service=self.dbs_update_service,
                                                status_checked_on=self.dbs_status_checked_on)
        self.training_due_on = rules.safeguarding_training_due(level=self.training_level, trained_on=self.trained_on)


class KcsieConfirmation(PackModel):
    """The provider's written confirmation that its staff checks meet Keeping Children Safe in
    Education (seed 002: "The academy must receive written confirmation..."). Append-only history."""

    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="kcsie_confirmations",
                                 limit_choices_to=PROVIDER_ONLY)
    statement = models.TextField()
    staff_count = models.PositiveIntegerField()
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_by_name = models.CharField(max_length=150)
    confirmed_by_role = models.CharField(max_length=120)
    confirmed_at = models.DateTimeField()
    valid_until = models.DateField()

    class Meta:
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return f"KCSIE confirmation by {self.confirmed_by_name} on {self.confirmed_at:%d/%m/%Y}"


# --- School suitability checks (seed 002 "Establishing the suitability of alternative providers")

class SuitabilityItem(models.TextChoices):
    LEGAL_ENTITY = "legal_entity", "The provider is a legal entity"
    REGISTRATION = "registration", "It is registered if it must be (not working as an unregistered school)"
    CP_HS_POLICIES = "cp_hs_policies", "Child protection and health and safety policies reflect current statutory guidance"
    QUALIFICATIONS = "qualifications", "Qualifications are nationally recognised and allow progression"
    CURRICULUM = "curriculum", "A broad and balanced curriculum, including PSHE, with the school"
    DBS_CONFIRMATION = "dbs_confirmation", "Written confirmation that all staff have enhanced DBS checks in line with KCSIE"
    SAFEGUARDING_TRAINING = "safeguarding_training", "All staff have safeguarding training, kept up to date"
    ONLINE_SAFETY = "online_safety", "A good online safety and acceptable use policy"
    ANTI_BULLYING = "anti_bullying", "A good anti-bullying policy"
    LONE_WORKING = "lone_working", "A good lone working policy"
    RISK_ASSESSMENT = "risk_assessment", "A risk assessment system that is used effectively"
    FIRE = "fire", "A fire risk assessment and regular fire drills"
    INSURANCE = "insurance", "Public liability insurance in place and the certificate displayed"
    FIRST_AID = "first_aid", "First aid systems and facilities readily available"
    SUPERVISION = "supervision", "Pupils are supervised safely"
    TRACKING = "tracking", "A targeting and tracking system, with assessment informing teaching"
    REPORTING_PROGRESS = "reporting_progress", "Progress is reported to pupils, the school and parents"
    RESOURCING = "resourcing", "Resourced adequately to deliver its stated offer"
    ATTENDANCE = "attendance", "Daily attendance is reported to the school, with clear follow-up of absence"
    INDUCTION = "induction", "A good pupil induction process"
    PUPIL_VOICE = "pupil_voice", "Pupils can share their views"
    WRITTEN_AGREEMENT = "written_agreement", "Able to counter-sign a written agreement with the school"
    COMMUNICATION = "communication", "Clear lines of communication with school leaders"
    BEHAVIOUR = "behaviour", "Effective behaviour management, including punctuality"
    CAREERS = "careers", "Careers education and guidance"
    EQUALITY = "equality", "Not acting in a way that would undermine the Equality Act"


# The documents in the provider's pack that evidence a check: when one is missing or expired, the
# school may still find the check met (seen on a visit, a newer copy by email), but says why.
SUITABILITY_DOCUMENTS: dict[str, tuple[str, ...]] = {
    SuitabilityItem.CP_HS_POLICIES: (DocumentKind.SAFEGUARDING, DocumentKind.HEALTH_SAFETY),
    SuitabilityItem.ONLINE_SAFETY: (DocumentKind.ONLINE_SAFETY,),
    SuitabilityItem.ANTI_BULLYING: (DocumentKind.ANTI_BULLYING,),
    SuitabilityItem.LONE_WORKING: (DocumentKind.LONE_WORKING,),
    SuitabilityItem.FIRE: (DocumentKind.FIRE_RISK,),
    SuitabilityItem.INSURANCE: (DocumentKind.INSURANCE,),
    SuitabilityItem.FIRST_AID: (DocumentKind.FIRST_AID,),
    SuitabilityItem.CAREERS: (DocumentKind.CAREERS,),
    SuitabilityItem.EQUALITY: (DocumentKind.EQUAL_OPPORTUNITIES,),
    SuitabilityItem.BEHAVIOUR: (DocumentKind.BEHAVIOUR,),
    SuitabilityItem.ATTENDANCE: (DocumentKind.ATTENDANCE,),
}


SUITABILITY_SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("Legal status", ("legal_entity", "registration")),
    ("Safeguarding", ("cp_hs_policies", "dbs_confirmation", "safeguarding_training", "online_safety",
                      "anti_bullying", "lone_working")),
    ("Health and safety", ("risk_assessment", "fire", "insurance", "first_aid", "supervision")),
    ("Education and progress", ("qualifications", "curriculum", "tracking", "reporting_progress",
                                "resourcing", "careers")),
    ("Working with the school", ("attendance", "induction", "pupil_voice", "written_agreement",
                                 "communication", "behaviour", "equality")),
]
assert sorted(i for _, items in SUITABILITY_SECTIONS for i in items) == sorted(SuitabilityItem.values)

# Items that can never be "not applicable".
ALWAYS_APPLICABLE = frozenset({"legal_entity", "registration", "cp_hs_policies", "dbs_confirmation",
                               "safeguarding_training", "insurance", "fire", "first_aid", "attendance", "equality"})


class CheckOutcome(models.TextChoices):
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class CheckStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    SIGNED_OFF = "signed_off", "Signed off"


def _school_rules(organisation, field: str = "school") -> Q:
    return kind_rules(organisation, school=Q(**{field: organisation}), trust=Q(**{f"{field}__trust": organisation}))


class SuitabilityCheck(ScopedModel):
    """A commissioning school's due-diligence check of one provider, signed off by its AP lead.

    A sign-off stays current until `valid_until` (APC_SUITABILITY_VALID_MONTHS, default 12 months
    after the sign-off date); see selectors.suitability_signoff_current.
    """

    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="suitability_checks",
                               limit_choices_to={"kind": OrganisationKind.SCHOOL})
    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", limit_choices_to=PROVIDER_ONLY)
    status = models.CharField(max_length=12, choices=CheckStatus.choices, default=CheckStatus.DRAFT)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_off_by_name = models.CharField(max_length=150, blank=True)
    signed_off_by_role = models.CharField(max_length=120, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["school", "provider"], condition=Q(status="draft"),
                                    name="one_draft_check_per_school_provider"),
            models.CheckConstraint(
                name="signed_off_check_is_complete",
                condition=~Q(status="signed_off") | Q(signed_off_at__isnull=False, signed_off_by__isnull=False,
                                                      valid_until__isnull=False),
                violation_error_message="A signed-off check records who signed it off, when, and until when it is current.",
            ),
        ]
        indexes = [models.Index(fields=["school", "provider", "status", "valid_until"], name="check_current")]

    def __str__(self) -> str:
        return f"Suitability check of {self.provider} by {self.school}"

    @classmethod
    def scope_q(cls, organisation):
        return _school_rules(organisation)


class SuitabilityCheckItem(ScopedModel):
    suitability_check = models.ForeignKey(SuitabilityCheck, on_delete=models.CASCADE, related_name="items")
    item = models.CharField(max_length=30, choices=SuitabilityItem.choices)
    outcome = models.CharField(max_length=15, choices=CheckOutcome.choices)
    evidence = models.TextField(blank=True)
    justification = models.TextField(
        "Why it is met although the provider's pack shows the document missing or expired", blank=True)
    checked_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["suitability_check", "item"], name="one_answer_per_check_item")]

    def __str__(self) -> str:
        return f"{self.get_item_display()}: {self.get_outcome_display()}"

    @classmethod
    def scope_q(cls, organisation):
        return _school_rules(organisation, "suitability_check__school")
