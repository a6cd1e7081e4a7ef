"""Placements: a referral of one pupil to one provider, from draft to the end of the placement.

The state moves only through placements/lifecycle.py.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import ScopedModel, ScopedOneToOneField, kind_rules

from .choices import (
    IN_AP_STATES,
    PROVIDER_DETAIL_STATES,
    PROVIDER_VISIBLE_STATES,
    Destination,
    EndReason,
    EventAudience,
    EventKind,
    ParentalAgreementMethod,
    RegistrationCode,
    ShareBasis,
    State,
    Transport,
)
from .pupils import Pupil

URN_VALIDATOR = RegexValidator(r"^\d{6}$", "A URN is 6 digits, as on Get Information About Schools")
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def placement_rules(organisation, prefix: str = "", *, provider_states=PROVIDER_VISIBLE_STATES,
                    trust: bool = True, local_authority: bool = False) -> Q:
    """Which placements (or rows hanging off one, through `prefix`) an organisation sees."""

    def q(**kwargs):
        return Q(**{f"{prefix}{k}": v for k, v in kwargs.items()})

    rules = {
        "school": q(school=organisation),
        "provider": q(provider=organisation, state__in=provider_states),
    }
    if trust:
        rules["trust"] = q(school__trust=organisation)
    if local_authority:
        rules["local_authority"] = q(school__local_authority=organisation, state__in=IN_AP_STATES)
    return kind_rules(organisation, **rules)


class Placement(ScopedModel):
    """One pupil at one provider: the referral, the decision, the provider's answer, the agreement,
    the placement itself and how it ended."""

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="school_placements",
                               limit_choices_to={"kind": OrganisationKind.SCHOOL})
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="placements")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="provider_placements",
                                 limit_choices_to={"kind": OrganisationKind.PROVIDER})
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT, editable=False)
    registration_code = models.CharField(
        "How the school registers the pupil for AP sessions", max_length=1,
        choices=RegistrationCode.choices, default=RegistrationCode.B,
    )
    # Dual registration (code D): the other school the pupil is registered at.
    dual_school_name = models.CharField("Name of the other school", max_length=200, blank=True)
    dual_school_urn = models.CharField("URN of the other school", max_length=6, blank=True,
                                       validators=[URN_VALIDATOR])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Referral sent (after the headteacher's approval)
    referred_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Provider's answer
    responded_at = models.DateTimeField(null=True, blank=True, editable=False)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    decline_reason = models.TextField("Reason for declining", blank=True)
    # Initial assessment of needs: due within a week of acceptance (seed 001 §13)
    initial_assessment_due = models.DateField(null=True, blank=True, editable=False)
    initial_assessment_done_on = models.DateField("Date of the initial assessment", null=True, blank=True)
    initial_assessment_summary = models.TextField("Outcome of the initial assessment", blank=True)
    # Agreement and start (copied from the current agreed version, for lists and the LA)
    agreed_at = models.DateTimeField(null=True, blank=True, editable=False)
    activated_at = models.DateTimeField(null=True, blank=True, editable=False)
    start_date = models.DateField(null=True, blank=True, editable=False)
    planned_end_date = models.DateField(null=True, blank=True, editable=False)
    weekly_hours = models.DecimalField("Hours a week at the provider", max_digits=4, decimal_places=2,
                                       null=True, blank=True, editable=False)
    total_weekly_hours = models.DecimalField("Hours a week in total", max_digits=4, decimal_places=2,
                                             null=True, blank=True, editable=False)
    part_time = models.BooleanField("Part-time timetable", default=False, editable=False)
    # The latest version both sides agreed: set by services.agreement_agree in the same transaction
    # (a stored pointer, read by selectors.current_agreement, never recomputed per call).
    current_agreement = models.ForeignKey("placements.CommissioningAgreement", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+", editable=False)
    # Ending (seed 001 §8, seed 003 "End of placement")
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    destination = models.CharField(max_length=20, choices=Destination.choices, blank=True)
    destination_details = models.CharField(max_length=300, blank=True)
    final_attainment = models.TextField("Attainment", blank=True)
    final_progress = models.TextField("Progress against targets", blank=True)
    final_attendance = models.TextField("Attendance", blank=True)
    final_behaviour = models.TextField("Change in behaviour", blank=True)
    pupil_view = models.TextField("The pupil's view of the placement", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "state"], name="placement_school_state"),
            models.Index(fields=["provider", "state"], name="placement_provider_state"),
            models.Index(fields=["initial_assessment_due"], name="placement_assessment_due",
                         condition=Q(state="accepted", initial_assessment_done_on__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                name="placement_dual_names_other_school",
                condition=~Q(registration_code="D") | (~Q(dual_school_name="") & ~Q(dual_school_urn="")),
                violation_error_message="A dual-registered pupil needs the other school's name and URN.",
            ),
            models.CheckConstraint(
                name="placement_declined_has_reason",
                condition=~Q(state=State.DECLINED) | ~Q(decline_reason=""),
                violation_error_message="Give a reason for declining the referral.",
            ),
            models.CheckConstraint(
                name="placement_ended_has_reason_and_date",
                condition=~Q(state=State.ENDED) | (~Q(end_reason="") & Q(ended_on__isnull=False)),
                violation_error_message="An ended placement records why and when it ended.",
            ),
        ]

    def __str__(self) -> str:
        return f"Placement {self.pk} at {self.provider}"

    def clean(self):
        if self.registration_code == RegistrationCode.D:
            errors = {}
            if not self.dual_school_name.strip():
                errors["dual_school_name"] = "Enter the name of the other school the pupil is registered at"
            if not self.dual_school_urn.strip():
                errors["dual_school_urn"] = "Enter the other school's URN: 6 digits, as on Get Information About Schools"
            if errors:
                raise ValidationError(errors)

    @classmethod
    def scope_q(cls, organisation):
        return placement_rules(organisation, local_authority=True)

    @property
    def in_ap(self) -> bool:
        return self.state in IN_AP_STATES


class Referral(ScopedModel):
    """The referral form (seed 001 §15) and the decision to send it (seed 002).

    Pupil details, SEN/health and safeguarding flags, parents and agencies are read from the
    pupil's record; this holds what is particular to this referral. `shared_sections` lists the
    optional sections the school shares with the provider (placements/referral_sections.py).
    """

    placement = ScopedOneToOneField(Placement, on_delete=models.CASCADE, related_name="referral")
    # Reason and attendance
    reason = models.TextField("Reason for referral", blank=True)
    attendance_this_year = models.DecimalField("This year (%)", max_digits=5, decimal_places=1, null=True,
                                               blank=True, validators=PERCENT)
    attendance_last_year = models.DecimalField("Last year (%)", max_digits=5, decimal_places=1, null=True,
                                               blank=True, validators=PERCENT)
    attendance_two_years_ago = models.DecimalField("Two years ago (%)", max_digits=5, decimal_places=1,
                                                   null=True, blank=True, validators=PERCENT)
    attendance_factors = models.TextField("Factors that affect attendance", blank=True)
    # School contacts: {role: {"name", "position", "email"}} for roles in ContactRole
    school_contacts = models.JSONField(default=dict, blank=True)
    # Transport
    transport = models.CharField(max_length=16, choices=Transport.choices, blank=True)
    taxi_company = models.CharField("Taxi company", max_length=120, blank=True)
    taxi_phone = models.CharField("Taxi contact number", max_length=30, blank=True)
    transport_carer_name = models.CharField("Parent or carer name", max_length=150, blank=True)
    transport_carer_phone = models.CharField("Parent or carer number", max_length=30, blank=True)
    transport_details = models.TextField("Other transport details", blank=True)
    # Safeguarding and risk
    recent_eha = models.BooleanField("Recent early help assessment", null=True, blank=True)
    violence_history = models.BooleanField("History of violence towards others", null=True, blank=True)
    violence_towards = models.CharField("Towards whom", max_length=200, blank=True)
    violence_details = models.TextField("Details of violence", blank=True)
    significant_harm = models.BooleanField("Significant threat of harm to others or self", null=True, blank=True)
    significant_harm_details = models.TextField("Details of threat of harm", blank=True)
    substance_misuse = models.BooleanField("History of substance misuse", null=True, blank=True)
    risk_assessment_in_place = models.BooleanField("Up-to-date risk assessment in place", null=True, blank=True)
    significant_events = models.TextField("Significant events that may affect behaviour", blank=True)
    other_concerns = models.TextField("Other health and safety or safeguarding concerns", blank=True)
    family_circumstances = models.TextField("Social or family circumstances", blank=True)
    # {indicator key: Frequency}, keys from choices.RISK_INDICATORS
    risk_indicators = models.JSONField(default=dict, blank=True)
    # Academic
    attending_mainstream = models.BooleanField("Attending mainstream lessons", null=True, blank=True)
    core_subjects_where = models.TextField("Where core subject lessons are taught", blank=True)
    other_ap = models.BooleanField("Attending other alternative provision", null=True, blank=True)
    other_ap_details = models.TextField("Other alternative provision", blank=True)
    # [{"subject", "specification", "delivered_by", "target_grade", "current_grade"}]
    subjects = models.JSONField(default=list, blank=True)
    # About the pupil
    strengths_interests = models.TextField("Strengths and interests", blank=True)
    parents_aware = models.BooleanField("Parents or carers aware of the referral", null=True, blank=True)
    parents_views = models.TextField("Parents' or carers' views", blank=True)
    pupil_aware = models.BooleanField("Pupil aware of the referral", null=True, blank=True)
    pupil_views = models.TextField("Pupil's views", blank=True)
    # Behaviour
    behaviour_history = models.TextField("Current or historical behaviour concerns", blank=True)
    attitude = models.TextField("Attitude to work, staff and peers", blank=True)
    strategies = models.TextField("Behaviour strategies that work", blank=True)
    # Parents or carers: the pupil's record holds them; a referral without one says why.
    no_parent_reason = models.TextField("Why no parent or carer is named", blank=True)
    # Sharing with the provider: the basis, and which optional sections
    share_basis = models.CharField("Consent to share with the provider", max_length=16, choices=ShareBasis.choices,
                                   blank=True)
    share_basis_reason = models.TextField("The lawful basis for sharing without consent", blank=True)
    shared_sections = models.JSONField(default=list, blank=True)
    # Submitted for the headteacher's decision
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    # The decision (seed 002 "Reaching a decision"): who was consulted, and the head's approval
    consulted_pupil = models.BooleanField("The pupil", default=False)
    consulted_parents = models.BooleanField("Parents or carers", default=False)
    consulted_teacher = models.BooleanField("A relevant teacher", default=False)
    consulted_professionals = models.BooleanField("Other professionals", default=False)
    professionals_consulted = models.CharField("Professionals consulted", max_length=300, blank=True)
    decision_notes = models.TextField("Notes on the decision", blank=True)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Referral for placement {self.placement_id}"

    @classmethod
    def scope_q(cls, organisation):
        # Trusts and LAs never read referral content; providers only while working with the pupil.
        return placement_rules(organisation, "placement__", provider_states=PROVIDER_DETAIL_STATES, trust=False)


class PlacementEvent(ScopedModel):
    """The placement's timeline: every state change and milestone, append-only.

    Summaries never carry special-category details: the provider and trust read them too.
    """

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    by_organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    transition = models.CharField(max_length=30, blank=True)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    summary = models.CharField(max_length=300)
    # Who reads the event: the school alone (its internal steps: drafting, the headteacher's
    # decision, the parents' agreement) or everyone who sees the placement.
    audience = models.CharField(max_length=8, choices=EventAudience.choices, default=EventAudience.SHARED)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["placement", "at"], name="placement_event_timeline")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"

    @classmethod
    def scope_q(cls, organisation):
        rule = placement_rules(organisation, "placement__")
        if organisation.kind == OrganisationKind.SCHOOL:
            return rule
        return rule & Q(audience=EventAudience.SHARED)


def parental_agreement_path(instance, filename):
    return f"placements/{instance.placement_id}/parental-agreement/{filename}"


class ParentalAgreement(ScopedModel):
    """Parents or carers signed the AP contract (seeds 002, 004), and what they consented to share."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="parental_agreements")
    method = models.CharField("How the agreement was recorded", max_length=8, choices=ParentalAgreementMethod.choices)
    signed_copy = models.FileField("Signed contract", upload_to=parental_agreement_path, blank=True)
    signed_by_name = models.CharField("Name of parent or carer", max_length=150)
    relationship = models.CharField("Relationship to pupil", max_length=60, blank=True)
    signed_on = models.DateField("Date signed")
    consent_to_share = models.BooleanField("Consented to information being shared with the provider", default=False)
    information_shared = models.TextField("Information shared with consent", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="parental_upload_has_file",
                condition=~Q(method=ParentalAgreementMethod.UPLOAD) | ~Q(signed_copy=""),
                violation_error_message="Upload the signed contract.",
            ),
        ]

    def __str__(self) -> str:
        return f"Signed by {self.signed_by_name} on {self.signed_on:%d %B %Y}"

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(organisation, school=Q(placement__school=organisation))
