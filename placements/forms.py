"""GOV.UK forms for pupils, referrals, decisions, agreements and placements (crispy-forms-gds)."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Div, Field, Fieldset, Layout, Size
from django import forms

from apcommission.uploads import PARENTAL_AGREEMENT, UploadValidator, rename_to_safe_name

from .models import (
    ChildProtectionCategory,
    CommissioningAgreement,
    ContactRole,
    Destination,
    EndReason,
    Frequency,
    Gender,
    LookedAfter,
    OtherAgency,
    ParentalAgreementMethod,
    ParentCarer,
    Pupil,
    RegistrationCode,
    SenProvision,
    SessionPart,
    Target,
    Transport,
    Weekday,
)
from .models.choices import RISK_INDICATORS
from .referral_sections import OPTIONAL_SECTIONS

YES_NO = [("yes", "Yes"), ("no", "No")]
NOON = dt.time(12, 0)


def yes_no(label: str, *, required: bool = True, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, required=required, help_text=help_text,
        coerce=lambda v: v == "yes", empty_value=None,
        error_messages={"required": f"Select yes or no: {label[0].lower()}{label[1:]}"},
    )


def yes_no_initial(value):
    return {True: "yes", False: "no"}.get(value)


def helper(*fields, submit: str = "Continue", secondary: tuple[str, str] | None = None) -> FormHelper:
    h = FormHelper()
    h.label_size = Size.SMALL
    h.legend_size = Size.SMALL
    buttons = [Button("submit", submit)]
    if secondary:
        buttons.append(Button.secondary(*secondary))
    h.layout = Layout(*fields, Div(*buttons, css_class="govuk-button-group"))
    return h


def date_field(label: str, *, required: bool = True, help_text: str = "For example, 27 3 2011") -> DateInputField:
    field = DateInputField(label=label, required=required, help_text=help_text, require_all_fields=False)
    return field


def _textarea(name: str, rows: int = 4):
    return Field.textarea(name, rows=rows)


# --- Pupils -------------------------------------------------------------------------------

class PupilForm(forms.ModelForm):
    date_of_birth = date_field("Date of birth", help_text="For example, 27 3 2011")

    class Meta:
        model = Pupil
        fields = ["first_name", "middle_names", "last_name", "preferred_name", "date_of_birth", "year_group",
                  "gender", "upn", "first_language", "address", "free_school_meals"]
        labels = {"upn": "Unique pupil number (UPN)"}
        help_texts = {
            "first_name": "As on the pupil's birth certificate or passport",
            "preferred_name": "Leave blank if they use their legal first name",
            "upn": "13 characters, as on the school's management information system, for example A801200005001",
        }
        widgets = {"gender": forms.RadioSelect, "address": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "first_name": {"required": "Enter the pupil's legal first name"},
            "last_name": {"required": "Enter the pupil's legal last name"},
            "upn": {"required": "Enter the pupil's UPN"},
            "year_group": {"required": "Select the pupil's year group"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = Gender.choices
        self.fields["gender"].required = False
        self.fields["year_group"].choices = [("", "Select a year group")] + list(self.fields["year_group"].choices)[1:]
        self.helper = helper(
            Field.text("first_name", field_width=20), Field.text("middle_names", field_width=20),
            Field.text("last_name", field_width=20), Field.text("preferred_name", field_width=20),
            Field("date_of_birth"), Field.select("year_group"), Field.radios("gender", small=True),
            Field.text("upn", field_width=20), Field.text("first_language", field_width=20),
            _textarea("address", 3), Field.checkbox("free_school_meals"),
            submit="Save pupil",
        )

    def clean_upn(self):
        return (self.cleaned_data.get("upn") or "").strip().upper().replace(" ", "")


class PupilSensitiveForm(forms.Form):
    """Special-category record (seed 001 §15): safeguarding, SEN and health, ethnicity and religion."""

    looked_after = forms.ChoiceField(label="Is the pupil looked after?", choices=LookedAfter.choices,
                                     widget=forms.RadioSelect)
    order_held_by = forms.CharField(label="Local authority holding the order", required=False, max_length=120)
    date_in_care = date_field("Date in care", required=False)
    child_protection = yes_no("Is there a child protection plan (section 47)?")
    child_protection_category = forms.ChoiceField(
        label="Child protection category", required=False, widget=forms.RadioSelect,
        choices=ChildProtectionCategory.choices)
    child_in_need = yes_no("Is the pupil a child in need (section 17)?")
    private_fostering = yes_no("Is the pupil privately fostered?")
    youth_offending_service = yes_no("Is the pupil known to the youth offending service?")
    sen_provision = forms.ChoiceField(label="SEN provision", choices=SenProvision.choices, widget=forms.RadioSelect)
    sen_details = forms.CharField(label="Describe the pupil's special educational needs", required=False,
                                  widget=forms.Textarea, help_text="Anything a provider needs to know for the placement")
    disabled = yes_no("Is the pupil considered to be disabled?")
    disability_details = forms.CharField(label="Disability details", required=False, widget=forms.Textarea)
    access_arrangements = forms.CharField(label="Access arrangements", required=False, widget=forms.Textarea,
                                          help_text="For example reader, scribe, extra time, rest breaks")
    medical_needs = forms.CharField(label="Medical, health or physical needs", required=False, widget=forms.Textarea)
    medication = forms.CharField(label="Prescribed medication", required=False, widget=forms.Textarea)
    mental_health_concerns = forms.CharField(label="Concerns about the pupil's mental health", required=False,
                                             widget=forms.Textarea)
    mental_health_referral = yes_no("Has a referral been made to a mental health professional?")
    ethnicity = forms.CharField(label="Ethnic group", required=False, max_length=80)
    religion = forms.CharField(label="Religion", required=False, max_length=80)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: (yes_no_initial(getattr(instance, name))
                                        if isinstance(self.base_fields[name], forms.TypedChoiceField)
                                        else getattr(instance, name)) for name in self.base_fields}
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Fieldset(
                Field.radios("looked_after", small=True), Field.text("order_held_by", field_width=20),
                Field("date_in_care"), Field.radios("child_protection", small=True),
                Field.radios("child_protection_category", small=True), Field.radios("child_in_need", small=True),
                Field.radios("private_fostering", small=True), Field.radios("youth_offending_service", small=True),
                legend="Looked after and safeguarding", legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("sen_provision", small=True), _textarea("sen_details"),
                Field.radios("disabled", small=True), _textarea("disability_details", 3),
                _textarea("access_arrangements", 3), _textarea("medical_needs", 3), _textarea("medication", 3),
                _textarea("mental_health_concerns", 3), Field.radios("mental_health_referral", small=True),
                legend="SEN, disability and health", legend_size=Size.MEDIUM,
            ),
            Fieldset(Field.text("ethnicity", field_width=20), Field.text("religion", field_width=20),
                     legend="Ethnicity and religion", legend_size=Size.MEDIUM),
            submit="Save",
        )

    def clean(self):
        data = super().clean()
        if data.get("child_protection") and not data.get("child_protection_category"):
            self.add_error("child_protection_category", "Select the child protection category")
        if data.get("looked_after") not in (None, "", LookedAfter.NO) and not data.get("order_held_by"):
            self.add_error("order_held_by", "Enter the local authority that holds the order")
        return data


class ParentCarerForm(forms.ModelForm):
    lives_with_pupil = yes_no("Does this person live with the pupil?")

    class Meta:
        model = ParentCarer
        fields = ["name", "relationship", "phone", "email", "address", "lives_with_pupil"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"relationship": "For example mother, father, foster carer, grandparent"}
        error_messages = {"name": {"required": "Enter the parent or carer's full name"},
                          "relationship": {"required": "Enter their relationship to the pupil"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("name", field_width=20), Field.text("relationship", field_width=20),
            Field.text("phone", field_width=20), Field.text("email", field_width=20), _textarea("address", 3),
            Field.radios("lives_with_pupil", small=True), submit="Add parent or carer",
        )


class AgencyForm(forms.ModelForm):
    class Meta:
        model = OtherAgency
        fields = ["agency", "contact_name", "email", "phone"]
        help_texts = {"agency": "For example social care, early help, education welfare service"}
        error_messages = {"agency": {"required": "Enter the name of the agency"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.text("agency", field_width=20), Field.text("contact_name", field_width=20),
                             Field.text("email", field_width=20), Field.text("phone", field_width=20),
                             submit="Add agency")


# --- Referral -----------------------------------------------------------------------------

def _provider_choice_label(provider) -> str:
    listing = getattr(provider, "la_listing", None)
    note = {"approved": "approved by your local authority", "listed": "listed by your local authority"}.get(
        listing, "not listed by your local authority")
    return f"{provider.name} ({note})"


class ReferralStartForm(forms.Form):
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

    def __init__(self, *args, pupils, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        self.fields["pupil"].label_from_instance = lambda p: f"{p.last_name}, {p.first_name} ({p.get_year_group_display()})"
        self.fields["provider"].queryset = providers
        self.fields["provider"].label_from_instance = _provider_choice_label
        self.helper = helper(Field.select("pupil"), Field.select("provider"),
                             Field.radios("registration_code", small=True), submit="Start referral")




class StepForm(forms.Form):
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


def _text(label, *, required=False, help_text="", max_length=None):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=help_text, max_length=max_length)


class ReasonStep(StepForm):
    model_fields = ("reason", "attendance_this_year", "attendance_last_year", "attendance_two_years_ago",
                    "attendance_factors")
    reason = _text("Why are you referring the pupil?", required=True,
                   help_text="A brief statement. Detailed targets go in the commissioning agreement.")
    attendance_this_year = forms.DecimalField(label="Attendance this year (%)", min_value=0, max_value=100,
                                              decimal_places=1, error_messages={"required": "Enter attendance this year"})
    attendance_last_year = forms.DecimalField(label="Attendance last year (%)", min_value=0, max_value=100,
                                              decimal_places=1, required=False)
    attendance_two_years_ago = forms.DecimalField(label="Attendance two years ago (%)", min_value=0, max_value=100,
                                                  decimal_places=1, required=False)
    attendance_factors = _text("Factors that affect the pupil's attendance")

    def layout_fields(self):
        return (_textarea("reason"),
                Fieldset(Field.text("attendance_this_year", field_width=4),
                         Field.text("attendance_last_year", field_width=4),
                         Field.text("attendance_two_years_ago", field_width=4),
                         legend="Attendance", legend_size=Size.MEDIUM),
                _textarea("attendance_factors"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter the reason for the referral"


class ContactsStep(StepForm):
    """School contacts: name, position and email for each role (seed 001 §15)."""

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
        return tuple(
            Fieldset(Field.text(f"{role.value}_name", field_width=20), Field.text(f"{role.value}_position", field_width=20),
                     Field.text(f"{role.value}_email", field_width=20),
                     legend=role.label + ("" if role in (ContactRole.MAIN, ContactRole.DSL) else " (optional)"),
                     legend_size=Size.MEDIUM)
            for role in ContactRole
        )

    def initial_from(self, referral):
        initial = {}
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
        return {"school_contacts": contacts}


class TransportStep(StepForm):
    model_fields = ("transport", "taxi_company", "taxi_phone", "transport_carer_name", "transport_carer_phone",
                    "transport_details")
    transport = forms.ChoiceField(label="How will the pupil get to the provision?", choices=Transport.choices,
                                  widget=forms.RadioSelect, error_messages={"required": "Select how the pupil will travel"})
    taxi_company = forms.CharField(label="Taxi company", required=False, max_length=120)
    taxi_phone = forms.CharField(label="Taxi contact number", required=False, max_length=30)
    transport_carer_name = forms.CharField(label="Parent or carer name", required=False, max_length=150)
    transport_carer_phone = forms.CharField(label="Parent or carer number", required=False, max_length=30)
    transport_details = _text("Other details, if known")

    def layout_fields(self):
        return (Field.radios("transport", small=True),
                Fieldset(Field.text("taxi_company", field_width=20), Field.text("taxi_phone", field_width=20),
                         legend="If by taxi", legend_size=Size.SMALL),
                Fieldset(Field.text("transport_carer_name", field_width=20),
                         Field.text("transport_carer_phone", field_width=20),
                         legend="If a parent or carer brings them", legend_size=Size.SMALL),
                _textarea("transport_details", 3))

    def clean(self):
        data = super().clean()
        if not self.draft and data.get("transport") == Transport.TAXI and not data.get("taxi_company"):
            self.add_error("taxi_company", "Enter the taxi company")
        return data


class SafeguardingStep(StepForm):
    model_fields = ("recent_eha", "violence_history", "violence_towards", "violence_details", "significant_harm",
                    "significant_harm_details", "substance_misuse", "risk_assessment_in_place", "significant_events",
                    "other_concerns", "family_circumstances")
    recent_eha = yes_no("Has a recent early help assessment been completed?")
    violence_history = yes_no("Does the pupil have a history of violence towards others?")
    violence_towards = forms.CharField(label="If yes, towards whom?", required=False, max_length=200)
    violence_details = _text("Brief details of the violence")
    significant_harm = yes_no("Does the pupil pose a significant threat of harm to others or themselves?")
    significant_harm_details = _text("Details of the threat of harm")
    substance_misuse = yes_no("Does the pupil have any history of substance misuse?")
    risk_assessment_in_place = yes_no("Is there an up-to-date risk assessment in place?")
    significant_events = _text("Significant events that may affect the pupil's behaviour")
    other_concerns = _text("Health and safety or safeguarding concerns not covered above")
    family_circumstances = _text("Concerns or information about the pupil's social or family circumstances")

    def layout_fields(self):
        return (Field.radios("recent_eha", small=True), Field.radios("violence_history", small=True),
                Field.text("violence_towards", field_width=20), _textarea("violence_details", 3),
                Field.radios("significant_harm", small=True), _textarea("significant_harm_details", 3),
                Field.radios("substance_misuse", small=True), Field.radios("risk_assessment_in_place", small=True),
                _textarea("significant_events", 3), _textarea("other_concerns", 3),
                _textarea("family_circumstances", 3))


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
    attending_mainstream = yes_no("Is the pupil currently attending mainstream lessons?")
    core_subjects_where = _text("If not, where does the pupil have core subject lessons?")
    other_ap = yes_no("Is the pupil attending any other alternative provision?",
                      help_text="For example the school's internal AP centre or other off-site provision")
    other_ap_details = _text("If yes, brief details")

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
        return (Field.radios("attending_mainstream", small=True), _textarea("core_subjects_where", 3),
                Field.radios("other_ap", small=True), _textarea("other_ap_details", 3),
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
    strengths_interests = _text("What are the pupil's strengths and interests, including outside school?", required=True)
    parents_aware = yes_no("Are the parents or carers aware of the referral?")
    parents_views = _text("What are their views?")
    pupil_aware = yes_no("Is the pupil aware of the referral?")
    pupil_views = _text("What are the pupil's views?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strengths_interests"].error_messages["required"] = "Enter the pupil's strengths and interests"

    def layout_fields(self):
        return (_textarea("strengths_interests"), Field.radios("parents_aware", small=True), _textarea("parents_views"),
                Field.radios("pupil_aware", small=True), _textarea("pupil_views"))


class BehaviourStep(StepForm):
    model_fields = ("behaviour_history", "attitude", "strategies")
    behaviour_history = _text("Current or historical behaviour concerns not mentioned already")
    attitude = _text("The pupil's attitude to work, with staff and with peers", required=True)
    strategies = _text("Behaviour strategies that work with this pupil")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attitude"].error_messages["required"] = "Describe the pupil's attitude to work, staff and peers"

    def layout_fields(self):
        return (_textarea("behaviour_history"), _textarea("attitude"), _textarea("strategies"))


class SharingStep(StepForm):
    shared_sections = forms.MultipleChoiceField(
        label="Which optional sections will you share with the provider?", required=False,
        widget=forms.CheckboxSelectMultiple, choices=[(s.key, s.title) for s in OPTIONAL_SECTIONS],
        help_text="The pupil's details, reason, contacts, parents, transport, safeguarding, SEN and health "
                  "sections are always shared: the provider needs them to keep the pupil safe. Only the "
                  "provider's safeguarding lead reads the special-category sections.",
    )

    def initial_from(self, referral):
        return {"shared_sections": list(referral.shared_sections)}

    def to_model(self):
        return {"shared_sections": list(self.cleaned_data.get("shared_sections") or [])}

    def layout_fields(self):
        return (Field.checkboxes("shared_sections", small=True),)


STEP_FORMS: dict[str, type[StepForm]] = {
    "reason": ReasonStep, "contacts": ContactsStep, "transport": TransportStep, "safeguarding": SafeguardingStep,
    "risk": RiskStep, "academic": AcademicStep, "about": AboutStep, "behaviour": BehaviourStep,
    "sharing": SharingStep,
}


class SubmitForm(forms.Form):
    def __init__(self, *args, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(submit=submit)


# --- Decision and response ----------------------------------------------------------------

class DecisionForm(forms.Form):
    consulted = forms.MultipleChoiceField(
        label="Who was consulted before the decision?", widget=forms.CheckboxSelectMultiple, required=False,
        choices=[("consulted_pupil", "The pupil"), ("consulted_parents", "Parents or carers"),
                 ("consulted_teacher", "A relevant teacher"), ("consulted_professionals", "Other professionals")],
        help_text="Seed policy: speak to the pupil, their parents or carers and a relevant teacher before deciding",
    )
    professionals_consulted = forms.CharField(label="Which professionals? (optional)", required=False, max_length=300)
    decision = forms.ChoiceField(
        label="Do you approve this referral?", widget=forms.RadioSelect,
        choices=[("approve", "Yes, approve and send it to the provider"), ("return", "No, return it to the AP lead")],
        error_messages={"required": "Select whether you approve the referral"},
    )
    notes = forms.CharField(label="Notes on the decision (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.checkboxes("consulted", small=True), Field.text("professionals_consulted", field_width=20),
                             Field.radios("decision", small=True), _textarea("notes", 3), submit="Record decision")

    def clean(self):
        data = super().clean()
        consulted = set(data.get("consulted") or [])
        if data.get("decision") == "approve":
            needed = {"consulted_pupil", "consulted_parents", "consulted_teacher"} - consulted
            if needed:
                self.add_error("consulted", "Consult the pupil, their parents or carers and a relevant teacher before approving")
        return data

    def consulted_flags(self) -> dict:
        chosen = set(self.cleaned_data.get("consulted") or [])
        flags = {key: key in chosen for key, _ in self.fields["consulted"].choices}
        flags["professionals_consulted"] = self.cleaned_data.get("professionals_consulted", "")
        return flags


class RespondForm(forms.Form):
    response = forms.ChoiceField(label="Will you accept this referral?", widget=forms.RadioSelect,
                                 choices=[("accept", "Yes, accept it"), ("decline", "No, decline it")],
                                 error_messages={"required": "Select whether you accept the referral"})
    reason = forms.CharField(label="If you decline, why?", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="The school sees this reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("response", small=True), _textarea("reason", 3), submit="Send response")

    def clean(self):
        data = super().clean()
        if data.get("response") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason for declining the referral")
        return data


class InitialAssessmentForm(forms.Form):
    done_on = date_field("Date of the initial assessment")
    summary = forms.CharField(label="Outcome: the level of course and support that suits the pupil",
                              widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "Enter the outcome of the assessment"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field("done_on"), _textarea("summary"), submit="Save assessment")


# --- Agreement ----------------------------------------------------------------------------

class AgreementForm(forms.ModelForm):
    start_date = date_field("Start date", required=False)
    planned_end_date = date_field("Planned end date", required=False)
    review_date = date_field("First review date", required=False, help_text="Reviews are at least half-termly")

    class Meta:
        model = CommissioningAgreement
        fields = ["change_summary", "rationale", "pupil_profile", "baseline", "assessment_method",
                  "accreditation_aim", "accreditation_level", "personal_social_wellbeing", "safeguarding_shared",
                  "safeguarding_reporting", "dsl_details", "careers_plan", "access_arrangements", "start_date",
                  "planned_end_date", "review_date", "home_school_hours"]
        help_texts = {
            "home_school_hours": "Hours a week the pupil is taught at the home school alongside this placement. "
                                 "Enter 0 if the placement is the pupil's whole week.",
            "safeguarding_shared": "Do not repeat details from the referral: say what was shared and with whom",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        textareas = ["rationale", "pupil_profile", "baseline", "assessment_method", "personal_social_wellbeing",
                     "safeguarding_shared", "safeguarding_reporting", "careers_plan", "access_arrangements"]
        for name in textareas:
            self.fields[name].widget = forms.Textarea(attrs={"rows": 3})
        layout = []
        if self.instance.version > 1:
            layout.append(Field.text("change_summary"))
        else:
            del self.fields["change_summary"]
        layout += [
            Fieldset(_textarea("rationale", 3), _textarea("pupil_profile", 3), _textarea("baseline", 3),
                     legend="Commissioning aims", legend_size=Size.MEDIUM),
            Fieldset(_textarea("assessment_method", 3), Field.text("accreditation_aim", field_width=20),
                     Field.text("accreditation_level", field_width=10),
                     legend="Progress and accreditation", legend_size=Size.MEDIUM),
            Fieldset(_textarea("personal_social_wellbeing", 3), _textarea("safeguarding_shared", 3),
                     _textarea("safeguarding_reporting", 3), Field.text("dsl_details"),
                     _textarea("careers_plan", 3), _textarea("access_arrangements", 3),
                     legend="Wellbeing, safeguarding, careers and access", legend_size=Size.MEDIUM),
            Fieldset(Field("start_date"), Field("planned_end_date"), Field("review_date"),
                     Field.text("home_school_hours", field_width=4),
                     legend="Dates and hours", legend_size=Size.MEDIUM),
        ]
        self.helper = helper(*layout, submit="Save agreement")


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["target", "support_from_school", "support_from_provider"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in fields}
        error_messages = {"target": {"required": "Enter the target"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(_textarea("target", 3), _textarea("support_from_school", 3),
                             _textarea("support_from_provider", 3), submit="Add target")


class SessionForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Day", choices=Weekday.choices, coerce=int, widget=forms.RadioSelect,
                                     error_messages={"required": "Select the day"})
    part = forms.ChoiceField(label="Morning or afternoon", choices=SessionPart.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select morning or afternoon"})
    start_time = forms.TimeField(label="Start time", input_formats=["%H:%M", "%H.%M"], help_text="For example, 09:30",
                                 error_messages={"required": "Enter the start time", "invalid": "Enter a time like 09:30"})
    end_time = forms.TimeField(label="End time", input_formats=["%H:%M", "%H.%M"], help_text="For example, 12:00",
                               error_messages={"required": "Enter the end time", "invalid": "Enter a time like 12:00"})
    site = forms.CharField(label="Site", required=False, max_length=200, help_text="Where the session takes place")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("weekday", small=True), Field.radios("part", small=True),
                             Field.text("start_time", field_width=5), Field.text("end_time", field_width=5),
                             Field.text("site", field_width=20), submit="Add session")

    def clean(self):
        data = super().clean()
        start, end, part = data.get("start_time"), data.get("end_time"), data.get("part")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time")
        if start and part == SessionPart.AM and start >= NOON:
            self.add_error("start_time", "A morning session starts before 12:00")
        if start and part == SessionPart.PM and start < NOON:
            self.add_error("start_time", "An afternoon session starts at 12:00 or later")
        return data


# --- Parents, status, ending --------------------------------------------------------------

class ParentalAgreementForm(forms.Form):
    method = forms.ChoiceField(label="How are you recording the agreement?", choices=ParentalAgreementMethod.choices,
                               widget=forms.RadioSelect, error_messages={"required": "Select how you are recording it"})
    signed_copy = forms.FileField(label="Upload the signed contract", required=False,
                                  help_text="A PDF or photo (JPG or PNG) of the signed paper contract, up to 10MB",
                                  validators=[UploadValidator(PARENTAL_AGREEMENT.key)])
    signed_by_name = forms.CharField(label="Name of the parent or carer who signed", max_length=150,
                                     error_messages={"required": "Enter the name of the parent or carer"})
    relationship = forms.CharField(label="Relationship to the pupil", max_length=60, required=False)
    signed_on = date_field("Date signed")
    consent_to_share = yes_no("Did they consent to information being shared with the provider?")
    information_shared = forms.CharField(label="Information shared with consent", required=False,
                                         widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("method", small=True), Field("signed_copy"),
                             Field.text("signed_by_name", field_width=20), Field.text("relationship", field_width=20),
                             Field("signed_on"), Field.radios("consent_to_share", small=True),
                             _textarea("information_shared", 3), submit="Record agreement")
        self.helper.form_enctype = "multipart/form-data"

    def clean(self):
        data = super().clean()
        if data.get("method") == ParentalAgreementMethod.UPLOAD and not data.get("signed_copy") \
                and "signed_copy" not in self.errors:
            self.add_error("signed_copy", "Upload the signed contract")
        return data

    def clean_signed_copy(self):
        upload = self.cleaned_data.get("signed_copy")
        if upload:  # checked by UploadValidator (type by content, size, name); stored under a generated name
            rename_to_safe_name(upload)
        return upload


class StatusChangeForm(forms.Form):
    note = forms.CharField(label="Why?", widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Both the school and the provider read this. Do not include health or "
                                     "safeguarding details.",
                           error_messages={"required": "Enter the reason"})

    def __init__(self, *args, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(_textarea("note", 3), submit=submit)


class EndForm(forms.Form):
    ended_on = date_field("Date the placement ended")
    end_reason = forms.ChoiceField(label="Why did the placement end?", choices=EndReason.choices,
                                   widget=forms.RadioSelect, error_messages={"required": "Select why the placement ended"})
    destination = forms.ChoiceField(label="The pupil's next destination", required=False, widget=forms.RadioSelect,
                                    choices=Destination.choices,
                                    help_text="Leave blank if not known yet. Year 11 pupils without a destination are flagged.")
    destination_details = forms.CharField(label="Destination details (optional)", required=False, max_length=300)
    final_attainment = forms.CharField(label="Attainment", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    final_progress = forms.CharField(label="Progress against the targets", required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    final_attendance = forms.CharField(label="Attendance", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    final_behaviour = forms.CharField(label="Change in behaviour", required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    pupil_view = forms.CharField(label="The pupil's own view of the placement", required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field("ended_on"), Field.radios("end_reason", small=True), Field.radios("destination", small=True),
            Field.text("destination_details", field_width=20),
            Fieldset(_textarea("final_attainment", 3), _textarea("final_progress", 3), _textarea("final_attendance", 3),
                     _textarea("final_behaviour", 3), legend="The provider's final report", legend_size=Size.MEDIUM),
            _textarea("pupil_view", 3), submit="End placement",
        )


class DestinationForm(forms.Form):
    destination = forms.ChoiceField(label="The pupil's next destination", choices=Destination.choices,
                                    widget=forms.RadioSelect, error_messages={"required": "Select the destination"})
    destination_details = forms.CharField(label="Details (optional)", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("destination", small=True), Field.text("destination_details", field_width=20),
                             submit="Save destination")
