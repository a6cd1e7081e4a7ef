"""The referral: starting it and its question pages (StepForm subclasses, one per page)."""

from __future__ import annotations

from crispy_forms_gds.layout import (
    HTML,
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fieldset,
    Size,
)
from django import forms

from apcommission.forms import (
    Form,
    helper,
    long_text_field,
    textarea,
    yes_no_field,
    yes_no_initial,
)

from ..models import (
    ContactRole,
    Frequency,
    RegistrationCode,
    ShareBasis,
    Transport,
)
from ..models.choices import RISK_INDICATORS
from ..referral_sections import OPTIONAL_SECTIONS

# --- Referral -----------------------------------------------------------------------------

def _provider_choice_label(provider) -> str:
    listing = getattr(provider, "la_listing", None)
    note = {"approved": "approved by your local authority",
            "conditions": "approved with conditions by your local authority",
            "listed": "listed by your local authority"}.get(
        listing, "not listed by your local authority")
    return f"{provider.name} ({note})"


class ReferralStartForm(Form):
    pupil = forms.ModelChoiceField(label="Pupil", queryset=None,
                                   empty_label="Select a pupil", error_messages={"required": "Select the pupil"})
    provider = forms.ModelChoiceField(label="Provider", queryset=None,
                                      empty_label="Select a provider",
                                      error_messages={"required": "Select the provider"})
    registration_code = forms.ChoiceField(
        label="How will the school register the pupil for these sessions?", choices=RegistrationCode.choices,
        widget=forms.RadioSelect, initial=RegistrationCode.B,
        help_text="B when the school arranges off-site provision; D when the pupil is dual registered at "
                  "another school; K when the local authority arranges it",
    )
    dual_school_name = forms.CharField(label="Name of the other school", required=False, max_length=200)
    dual_school_urn = forms.CharField(label="URN of the other school", required=False, max_length=6,
                                      help_text="6 digits, as on Get Information About Schools")

    def __init__(self, *args, pupils, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        self.fields["pupil"].label_from_instance = lambda p: f"{p.last_name}, {p.first_name} ({p.get_year_group_display()})"
        self.fields["provider"].queryset = providers
        self.fields["provider"].label_from_instance = _provider_choice_label
        labels = dict(RegistrationCode.choices)
        self.helper = helper(
            Field.select("pupil"), Field.select("provider"),
            ConditionalRadios("registration_code", labels[RegistrationCode.B],
                              ConditionalQuestion(labels[RegistrationCode.D], Field.text("dual_school_name", field_width=20),
                                                  Field.text("dual_school_urn", field_width=5)),
                              labels[RegistrationCode.K]),
            submit="Start referral")

    def clean(self):
        data = super().clean()
        if data.get("registration_code") == RegistrationCode.D:
            if not (data.get("dual_school_name") or "").strip():
                self.add_error("dual_school_name", "Enter the name of the other school the pupil is registered at")
            if not (data.get("dual_school_urn") or "").strip():
                self.add_error("dual_school_urn", "Enter the other school's URN: 6 digits, as on Get Information "
                                                  "About Schools")
        else:
            data["dual_school_name"] = data["dual_school_urn"] = ""
        return data




class StepForm(Form):
    """A referral question page: 'Save and continue' validates; 'Save as draft' keeps what is there."""

    model_fields: tuple[str, ...] = ()
    layout: tuple = ()

    def __init__(self, *args, referral, draft: bool = False, **kwargs):
        self.referral = referral
        self.draft = draft
        if "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(referral)
        super().__init__(*args, **kwargs)
        if draft:
            for field in self.fields.values():
                field.required = False
        self.helper = helper(*self.layout_fields(), submit="Save and continue",
                             secondary=("draft", "Save as draft"))

    def layout_fields(self):
        return self.layout or tuple(self.fields)

    def initial_from(self, referral) -> dict:
        initial = {}
        for name in self.model_fields:
            value = getattr(referral, name)
            initial[name] = yes_no_initial(value) if isinstance(self.base_fields[name], forms.TypedChoiceField) else value
        return initial

    def to_model(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.model_fields if name in self.cleaned_data}


class ReasonStep(StepForm):
    model_fields = ("reason", "attendance_this_year", "attendance_last_year", "attendance_two_years_ago",
                    "attendance_factors")
    reason = long_text_field("Why are you referring the pupil?", required=True,
                   help_text="A brief statement. Detailed targets go in the commissioning agreement.")
    attendance_this_year = forms.DecimalField(label="Attendance this year (%)", min_value=0, max_value=100,
                                              decimal_places=1, error_messages={"required": "Enter attendance this year"})
    attendance_last_year = forms.DecimalField(label="Attendance last year (%)", min_value=0, max_value=100,
                                              decimal_places=1, required=False)
    attendance_two_years_ago = forms.DecimalField(label="Attendance two years ago (%)", min_value=0, max_value=100,
                                                  decimal_places=1, required=False)
    attendance_factors = long_text_field("Factors that affect the pupil's attendance")

    def layout_fields(self):
        return (textarea(self, "reason"),
                Fieldset(Field.text("attendance_this_year", field_width=4),
                         Field.text("attendance_last_year", field_width=4),
                         Field.text("attendance_two_years_ago", field_width=4),
                         legend="Attendance", legend_size=Size.MEDIUM),
                textarea(self, "attendance_factors"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter the reason for the referral"


class ContactsStep(StepForm):
    """School contacts: name, position and email for each role (seed 001 §15); and, when the pupil's
    record names no parent or carer, why not."""

    no_parent_reason = long_text_field(
        "If no parent or carer is named on the pupil's record, why not?",
        help_text="Parents and carers are added on the pupil's record. A referral names at least one, or says "
                  "why there is none (for example, the local authority holds parental responsibility).")

    def __init__(self, *args, referral, draft=False, **kwargs):
        for role in ContactRole:
            required = role in (ContactRole.MAIN, ContactRole.DSL)
            self.base_fields[f"{role.value}_name"] = forms.CharField(
                label="Full name", required=required, max_length=150,
                error_messages={"required": f"Enter the name of the {role.label.lower()}"})
            self.base_fields[f"{role.value}_position"] = forms.CharField(label="Position", required=False, max_length=150)
            self.base_fields[f"{role.value}_email"] = forms.EmailField(label="Email address", required=False)
        super().__init__(*args, referral=referral, draft=draft, **kwargs)

    def layout_fields(self):
        return (*(
            Fieldset(Field.text(f"{role.value}_name", field_width=20), Field.text(f"{role.value}_position", field_width=20),
                     Field.text(f"{role.value}_email", field_width=20),
                     legend=role.label + ("" if role in (ContactRole.MAIN, ContactRole.DSL) else " (optional)"),
                     legend_size=Size.MEDIUM)
            for role in ContactRole
        ), Fieldset(textarea(self, "no_parent_reason", 3), legend="Parents and carers", legend_size=Size.MEDIUM))

    def initial_from(self, referral):
        initial = {"no_parent_reason": referral.no_parent_reason}
        for role in ContactRole:
            contact = referral.school_contacts.get(role.value) or {}
            for part in ("name", "position", "email"):
                initial[f"{role.value}_{part}"] = contact.get(part, "")
        return initial

    def to_model(self):
        contacts = {}
        for role in ContactRole:
            row = {part: self.cleaned_data.get(f"{role.value}_{part}") or "" for part in ("name", "position", "email")}
            if any(row.values()):
                contacts[role.value] = row
        return {"school_contacts": contacts, "no_parent_reason": self.cleaned_data.get("no_parent_reason") or ""}


class TransportStep(StepForm):
    model_fields = ("transport", "taxi_company", "taxi_phone", "transport_carer_name", "transport_carer_phone",
                    "transport_details")
    transport = forms.ChoiceField(label="How will the pupil get to the provision?", choices=Transport.choices,
                                  widget=forms.RadioSelect, error_messages={"required": "Select how the pupil will travel"})
    taxi_company = forms.CharField(label="Taxi company", required=False, max_length=120)
    taxi_phone = forms.CharField(label="Taxi contact number", required=False, max_length=30)
    transport_carer_name = forms.CharField(label="Parent or carer name", required=False, max_length=150)
    transport_carer_phone = forms.CharField(label="Parent or carer number", required=False, max_length=30)
    transport_details = long_text_field("Other details, if known")

    def layout_fields(self):
        return (Field.radios("transport", small=True),
                Fieldset(Field.text("taxi_company", field_width=20), Field.text("taxi_phone", field_width=20),
                         legend="If by taxi", legend_size=Size.SMALL),
                Fieldset(Field.text("transport_carer_name", field_width=20),
                         Field.text("transport_carer_phone", field_width=20),
                         legend="If a parent or carer brings them", legend_size=Size.SMALL),
                textarea(self, "transport_details", 3))

    def clean(self):
        data = super().clean()
        if not self.draft and data.get("transport") == Transport.TAXI and not data.get("taxi_company"):
            self.add_error("taxi_company", "Enter the taxi company")
        return data


class SafeguardingStep(StepForm):
    model_fields = ("recent_eha", "violence_history", "violence_towards", "violence_details", "significant_harm",
                    "significant_harm_details", "substance_misuse", "risk_assessment_in_place", "significant_events",
                    "other_concerns", "family_circumstances")
    recent_eha = yes_no_field("Has a recent early help assessment been completed?")
    violence_history = yes_no_field("Does the pupil have a history of violence towards others?")
    violence_towards = forms.CharField(label="If yes, towards whom?", required=False, max_length=200)
    violence_details = long_text_field("Brief details of the violence")
    significant_harm = yes_no_field("Does the pupil pose a significant threat of harm to others or themselves?")
    significant_harm_details = long_text_field("Details of the threat of harm")
    substance_misuse = yes_no_field("Does the pupil have any history of substance misuse?")
    risk_assessment_in_place = yes_no_field("Is there an up-to-date risk assessment in place?")
    significant_events = long_text_field("Significant events that may affect the pupil's behaviour")
    other_concerns = long_text_field("Health and safety or safeguarding concerns not covered above")
    family_circumstances = long_text_field("Concerns or information about the pupil's social or family circumstances")

    def layout_fields(self):
        return (Field.radios("recent_eha", small=True), Field.radios("violence_history", small=True),
                Field.text("violence_towards", field_width=20), textarea(self, "violence_details", 3),
                Field.radios("significant_harm", small=True), textarea(self, "significant_harm_details", 3),
                Field.radios("substance_misuse", small=True), Field.radios("risk_assessment_in_place", small=True),
                textarea(self, "significant_events", 3), textarea(self, "other_concerns", 3),
                textarea(self, "family_circumstances", 3))


class RiskStep(StepForm):
    """The 15 'other indicators of risk' (never / occasionally / frequently)."""

    def __init__(self, *args, referral, draft=False, **kwargs):
        for key, label in RISK_INDICATORS:
            self.base_fields[f"risk_{key}"] = forms.ChoiceField(
                label=label, choices=Frequency.choices, widget=forms.RadioSelect,
                error_messages={"required": f"Select how often: {label[0].lower()}{label[1:]}"})
        super().__init__(*args, referral=referral, draft=draft, **kwargs)

    def layout_fields(self):
        return tuple(Field.radios(f"risk_{key}", small=True, inline=False) for key, _ in RISK_INDICATORS)

    def initial_from(self, referral):
        return {f"risk_{key}": referral.risk_indicators.get(key) for key, _ in RISK_INDICATORS}

    def to_model(self):
        grid = {key: self.cleaned_data.get(f"risk_{key}") for key, _ in RISK_INDICATORS}
        return {"risk_indicators": {k: v for k, v in grid.items() if v}}


SUBJECT_ROWS = [("english", "English"), ("maths", "Maths"), ("other1", ""), ("other2", ""), ("other3", "")]
SUBJECT_PARTS = [("specification", "Specification or course"), ("delivered_by", "Delivered by"),
                 ("target_grade", "Target grade"), ("current_grade", "Current grade")]


class AcademicStep(StepForm):
    model_fields = ("attending_mainstream", "core_subjects_where", "other_ap", "other_ap_details")
    attending_mainstream = yes_no_field("Is the pupil currently attending mainstream lessons?")
    core_subjects_where = long_text_field("If not, where does the pupil have core subject lessons?")
    other_ap = yes_no_field("Is the pupil attending any other alternative provision?",
                      help_text="For example the school's internal AP centre or other off-site provision")
    other_ap_details = long_text_field("If yes, brief details")

    def __init__(self, *args, referral, draft=False, **kwargs):
        for key, name in SUBJECT_ROWS:
            if not name:
                self.base_fields[f"{key}_subject"] = forms.CharField(label="Subject", required=False, max_length=80)
            for part, label in SUBJECT_PARTS:
                self.base_fields[f"{key}_{part}"] = forms.CharField(label=label, required=False, max_length=120)
        super().__init__(*args, referral=referral, draft=draft, **kwargs)

    def layout_fields(self):
        subject_sets = []
        for n, (key, name) in enumerate(SUBJECT_ROWS):
            fields = [] if name else [Field.text(f"{key}_subject", field_width=20)]
            fields += [Field.text(f"{key}_{part}", field_width=20) for part, _ in SUBJECT_PARTS]
            legend = name or f"Other subject relevant to the referral {n - 1} (optional)"
            subject_sets.append(Fieldset(*fields, legend=legend, legend_size=Size.SMALL))
        return (Field.radios("attending_mainstream", small=True), textarea(self, "core_subjects_where", 3),
                Field.radios("other_ap", small=True), textarea(self, "other_ap_details", 3),
                HTML('<h2 class="govuk-heading-m">Current working and target grades</h2>'), *subject_sets)

    def initial_from(self, referral):
        initial = super().initial_from(referral)
        rows = {row.get("key"): row for row in referral.subjects}
        for key, name in SUBJECT_ROWS:
            row = rows.get(key, {})
            if not name:
                initial[f"{key}_subject"] = row.get("subject", "")
            for part, _ in SUBJECT_PARTS:
                initial[f"{key}_{part}"] = row.get(part, "")
        return initial

    def to_model(self):
        data = super().to_model()
        subjects = []
        for key, name in SUBJECT_ROWS:
            row = {"key": key, "subject": name or (self.cleaned_data.get(f"{key}_subject") or "")}
            row.update({part: self.cleaned_data.get(f"{key}_{part}") or "" for part, _ in SUBJECT_PARTS})
            if name or row["subject"]:
                subjects.append(row)
        data["subjects"] = subjects
        return data


class AboutStep(StepForm):
    model_fields = ("strengths_interests", "parents_aware", "parents_views", "pupil_aware", "pupil_views")
    strengths_interests = long_text_field("What are the pupil's strengths and interests, including outside school?", required=True)
    parents_aware = yes_no_field("Are the parents or carers aware of the referral?")
    parents_views = long_text_field("What are their views?")
    pupil_aware = yes_no_field("Is the pupil aware of the referral?")
    pupil_views = long_text_field("What are the pupil's views?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strengths_interests"].error_messages["required"] = "Enter the pupil's strengths and interests"

    def layout_fields(self):
        return (textarea(self, "strengths_interests"), Field.radios("parents_aware", small=True), textarea(self, "parents_views"),
                Field.radios("pupil_aware", small=True), textarea(self, "pupil_views"))


class BehaviourStep(StepForm):
    model_fields = ("behaviour_history", "attitude", "strategies")
    behaviour_history = long_text_field("Current or historical behaviour concerns not mentioned already")
    attitude = long_text_field("The pupil's attitude to work, with staff and with peers", required=True)
    strategies = long_text_field("Behaviour strategies that work with this pupil")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attitude"].error_messages["required"] = "Describe the pupil's attitude to work, staff and peers"

    def layout_fields(self):
        return (textarea(self, "behaviour_history"), textarea(self, "attitude"), textarea(self, "strategies"))


class SharingStep(StepForm):
    model_fields = ("share_basis", "share_basis_reason", "shared_sections")
    share_basis = forms.ChoiceField(
        label="Have the parents or carers consented to this information being shared with the provider?",
        choices=ShareBasis.choices, widget=forms.RadioSelect,
        help_text="Parental consent must always be sought. Without it the referral can only go to the provider "
                  "on a lawful basis, for example to keep the pupil safe.",
        error_messages={"required": "Select whether the parents or carers consented to sharing"})
    share_basis_reason = long_text_field("What is the lawful basis for sharing without consent?")
    shared_sections = forms.MultipleChoiceField(
        label="Which optional sections will you share with the provider?", required=False,
        widget=forms.CheckboxSelectMultiple, choices=[(s.key, s.title) for s in OPTIONAL_SECTIONS],
        help_text="The pupil's details, reason, contacts, parents, transport, safeguarding, SEN and health "
                  "sections are always shared: the provider needs them to keep the pupil safe. Only the "
                  "provider's safeguarding lead reads the special-category sections.",
    )

    def initial_from(self, referral):
        return {"share_basis": referral.share_basis, "share_basis_reason": referral.share_basis_reason,
                "shared_sections": list(referral.shared_sections)}

    def clean(self):
        data = super().clean()
        if data.get("share_basis") == ShareBasis.LAWFUL_BASIS:
            if not self.draft and not (data.get("share_basis_reason") or "").strip():
                self.add_error("share_basis_reason", "Enter the lawful basis for sharing without consent")
        else:
            data["share_basis_reason"] = ""
        return data

    def to_model(self):
        return {"share_basis": self.cleaned_data.get("share_basis") or "",
                "share_basis_reason": self.cleaned_data.get("share_basis_reason") or "",
                "shared_sections": list(self.cleaned_data.get("shared_sections") or [])}

    def layout_fields(self):
        labels = dict(ShareBasis.choices)
        return (ConditionalRadios("share_basis", labels[ShareBasis.CONSENT],
                                  ConditionalQuestion(labels[ShareBasis.LAWFUL_BASIS], textarea(self, "share_basis_reason", 3)),
                                  labels[ShareBasis.REFUSED]),
                Field.checkboxes("shared_sections", small=True))


STEP_FORMS: dict[str, type[StepForm]] = {
    "reason": ReasonStep, "contacts": ContactsStep, "transport": TransportStep, "safeguarding": SafeguardingStep,
    "risk": RiskStep, "academic": AcademicStep, "about": AboutStep, "behaviour": BehaviourStep,
    "sharing": SharingStep,
}
