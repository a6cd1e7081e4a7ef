"""Pupils: their details, special-category record, parents or carers and other agencies."""

from __future__ import annotations

from crispy_forms_gds.layout import Field
from django import forms

from apcommission.forms import (
    Form,
    ModelForm,
    date_field,
    helper,
    textarea,
    yes_no_field,
    yes_no_initial,
)

from ..models import (
    ChildProtectionCategory,
    Gender,
    LookedAfter,
    OtherAgency,
    ParentCarer,
    Pupil,
    SenProvision,
)

# --- Pupils -------------------------------------------------------------------------------

class PupilForm(ModelForm):
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
            textarea(self, "address", 3), Field.checkbox("free_school_meals"),
            submit="Save pupil",
        )

    def clean_upn(self):
        return (self.cleaned_data.get("upn") or "").strip().upper().replace(" ", "")


# The special-category record in three parts, each saved on its own (a school may know the SEN
# details long before the safeguarding answers): slug → (title, fields).
SENSITIVE_SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "safeguarding": ("Looked after and safeguarding", (
        "looked_after", "order_held_by", "date_in_care", "child_protection", "child_protection_category",
        "child_in_need", "private_fostering", "youth_offending_service")),
    "sen-health": ("SEN, disability and health", (
        "sen_provision", "sen_details", "disabled", "disability_details", "access_arrangements", "medical_needs",
        "medication", "mental_health_concerns", "mental_health_referral")),
    "equality": ("Ethnicity and religion", ("ethnicity", "religion")),
}
SENSITIVE_SECTION_FIELDS = {slug: fields for slug, (_, fields) in SENSITIVE_SECTIONS.items()}


class PupilSensitiveForm(Form):
    """Special-category record (seed 001 §15): safeguarding, SEN and health, ethnicity and religion."""

    looked_after = forms.ChoiceField(label="Is the pupil looked after?", choices=LookedAfter.choices,
                                     widget=forms.RadioSelect)
    order_held_by = forms.CharField(label="Local authority holding the order", required=False, max_length=120)
    date_in_care = date_field("Date in care", required=False)
    child_protection = yes_no_field("Is there a child protection plan (section 47)?")
    child_protection_category = forms.ChoiceField(
        label="Child protection category", required=False, widget=forms.RadioSelect,
        choices=ChildProtectionCategory.choices)
    child_in_need = yes_no_field("Is the pupil a child in need (section 17)?")
    private_fostering = yes_no_field("Is the pupil privately fostered?")
    youth_offending_service = yes_no_field("Is the pupil known to the youth offending service?")
    sen_provision = forms.ChoiceField(label="SEN provision", choices=SenProvision.choices, widget=forms.RadioSelect)
    sen_details = forms.CharField(label="Describe the pupil's special educational needs", required=False,
                                  widget=forms.Textarea, help_text="Anything a provider needs to know for the placement")
    disabled = yes_no_field("Is the pupil considered to be disabled?")
    disability_details = forms.CharField(label="Disability details", required=False, widget=forms.Textarea)
    access_arrangements = forms.CharField(label="Access arrangements", required=False, widget=forms.Textarea,
                                          help_text="For example reader, scribe, extra time, rest breaks")
    medical_needs = forms.CharField(label="Medical, health or physical needs", required=False, widget=forms.Textarea)
    medication = forms.CharField(label="Prescribed medication", required=False, widget=forms.Textarea)
    mental_health_concerns = forms.CharField(label="Concerns about the pupil's mental health", required=False,
                                             widget=forms.Textarea)
    mental_health_referral = yes_no_field("Has a referral been made to a mental health professional?")
    ethnicity = forms.CharField(label="Ethnic group", required=False, max_length=80)
    religion = forms.CharField(label="Religion", required=False, max_length=80)

    def __init__(self, *args, instance=None, section: str = "safeguarding", **kwargs):
        """One section of the record at a time (each saves on its own): see SENSITIVE_SECTIONS."""
        self.section = section
        names = SENSITIVE_SECTION_FIELDS[section]
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: (yes_no_initial(getattr(instance, name))
                                        if isinstance(self.base_fields[name], forms.TypedChoiceField)
                                        else getattr(instance, name)) for name in names}
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in names:
                del self.fields[name]
        layouts = {
            "safeguarding": lambda: (
                Field.radios("looked_after", small=True), Field.text("order_held_by", field_width=20),
                Field("date_in_care"), Field.radios("child_protection", small=True),
                Field.radios("child_protection_category", small=True), Field.radios("child_in_need", small=True),
                Field.radios("private_fostering", small=True), Field.radios("youth_offending_service", small=True),
            ),
            "sen-health": lambda: (
                Field.radios("sen_provision", small=True), textarea(self, "sen_details"),
                Field.radios("disabled", small=True), textarea(self, "disability_details", 3),
                textarea(self, "access_arrangements", 3), textarea(self, "medical_needs", 3),
                textarea(self, "medication", 3), textarea(self, "mental_health_concerns", 3),
                Field.radios("mental_health_referral", small=True),
            ),
            "equality": lambda: (Field.text("ethnicity", field_width=20), Field.text("religion", field_width=20)),
        }
        self.helper = helper(*layouts[section](), submit="Save")

    def clean(self):
        data = super().clean()
        if data.get("child_protection") and not data.get("child_protection_category"):
            self.add_error("child_protection_category", "Select the child protection category")
        if data.get("looked_after") not in (None, "", LookedAfter.NO) and not data.get("order_held_by"):
            self.add_error("order_held_by", "Enter the local authority that holds the order")
        return data


class ParentCarerForm(ModelForm):
    lives_with_pupil = yes_no_field("Does this person live with the pupil?")

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
            Field.text("phone", field_width=20), Field.text("email", field_width=20), textarea(self, "address", 3),
            Field.radios("lives_with_pupil", small=True), submit="Add parent or carer",
        )


class AgencyForm(ModelForm):
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
