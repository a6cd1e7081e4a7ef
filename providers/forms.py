"""Forms for the provider directory and due diligence (GOV.UK Design System via crispy-forms-gds).

Forms check input; services write. Every page shows a GOV.UK error summary.
"""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import HTML, Field, Fieldset, Hidden, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apcommission.forms import (
    DateField,
    Form,
    ModelForm,
    date_field,
    helper,
    textarea,
    yes_no_field,
)
from apcommission.forms import text_input as text
from apcommission.forms import yes_no_initial as _bool_initial
from apcommission.uploads import PROVIDER_DOCUMENT, UploadValidator

from .models import (
    ALWAYS_APPLICABLE,
    SUITABILITY_SECTIONS,
    UKPRN_ERROR,
    WEEKDAYS,
    CheckOutcome,
    DeclaredPupilGroup,
    DocumentKind,
    EntityType,
    ListingStatus,
    Offer,
    OfstedJudgement,
    ProviderProfile,
    ProviderSite,
    RegistrationStatus,
    SubjectArea,
    SuitabilityItem,
    TrainingLevel,
    ukprn_validator,
)

# --- Profile -------------------------------------------------------------------------------

class ProfileForm(ModelForm):
    dsl_trained_on = date_field("DSL training date")
    deputy_dsl_trained_on = date_field("Deputy DSL training date")
    team_teach = yes_no_field("Do you have staff trained in Team Teach or an equivalent?", error="Select yes if you have staff trained in Team Teach or an equivalent",
                              help_text="Accredited training in positive handling and physical intervention")
    website = forms.URLField(label="Website", required=False, assume_scheme="https", max_length=200,
                             widget=forms.URLInput(attrs={"class": "govuk-input"}),
                             help_text="For example, https://www.example.org.uk",
                             error_messages={"invalid": "Enter a web address, like https://www.example.org.uk"})
    send_suitable = yes_no_field("Is your provision suitable for pupils with SEND?", error="Select yes if your provision is suitable for pupils with SEND")
    # Spaces are allowed as typed (removed in clean_ukprn, which checks the digits).
    ukprn = forms.CharField(label="UK provider reference number (UKPRN)", required=False, max_length=12,
                            widget=text(10, "numeric"), error_messages={"max_length": UKPRN_ERROR},
                            help_text="If you have one: 8 digits starting with 1, from the UK Register of Learning "
                                      "Providers. Schools give it in the school census when you have no URN.")

    class Meta:
        model = ProviderProfile
        fields = [
            "legal_name", "entity_type", "company_number", "charity_number", "ukprn", "overview", "address",
            "postcode", "website", "social_media", "contact_name", "contact_phone", "contact_email",
            "dsl_name", "dsl_phone", "dsl_email", "dsl_trained_on",
            "deputy_dsl_name", "deputy_dsl_phone", "deputy_dsl_email", "deputy_dsl_trained_on",
            "team_teach", "team_teach_detail", "send_suitable", "send_detail", "capacity", "age_from", "age_to",
        ]
        widgets = {
            "legal_name": text(), "company_number": text(10), "charity_number": text(10),
            "postcode": text(10, autocomplete="postal-code"), "website": forms.URLInput(attrs={"class": "govuk-input"}),
            "contact_name": text(20), "contact_phone": text(20, autocomplete="tel", type="tel"),
            "contact_email": forms.EmailInput(attrs={"class": "govuk-input govuk-!-width-two-thirds"}),
            "dsl_name": text(20), "dsl_phone": text(20, type="tel"),
            "dsl_email": forms.EmailInput(attrs={"class": "govuk-input govuk-!-width-two-thirds"}),
            "deputy_dsl_name": text(20), "deputy_dsl_phone": text(20, type="tel"),
            "deputy_dsl_email": forms.EmailInput(attrs={"class": "govuk-input govuk-!-width-two-thirds"}),
            "team_teach_detail": text(), "capacity": text(4, "numeric"), "age_from": text(2, "numeric"),
            "age_to": text(2, "numeric"),
            "overview": forms.Textarea(attrs={"rows": 4}), "address": forms.Textarea(attrs={"rows": 3}),
            "social_media": forms.Textarea(attrs={"rows": 3}), "send_detail": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"capacity": "How many pupils can you take at once?"}
        help_texts = {
            "legal_name": "As registered with Companies House or the Charity Commission",
            "overview": "What you offer and who it suits. Schools see this in the directory.",
            "social_media": "One link a line. Schools check your website and social media (QA standard 1g).",
            "team_teach_detail": "For example, Team Teach level 2, or PRICE",
            "website": "For example, https://www.example.org.uk",
        }

    REQUIRED = ("legal_name", "entity_type", "address", "postcode", "contact_name", "contact_phone", "contact_email",
                "dsl_name", "dsl_phone", "dsl_email", "deputy_dsl_name", "deputy_dsl_phone", "deputy_dsl_email",
                "capacity", "age_from", "age_to", "overview")
    MESSAGES = {
        "legal_name": "Enter the legal name", "entity_type": "Select the legal entity type",
        "address": "Enter the address", "postcode": "Enter the postcode", "contact_name": "Enter the named contact",
        "contact_phone": "Enter the contact telephone number", "contact_email": "Enter the contact email address",
        "dsl_name": "Enter the name of the designated safeguarding lead", "dsl_phone": "Enter the DSL telephone number",
        "dsl_email": "Enter the DSL email address", "deputy_dsl_name": "Enter the name of the deputy DSL",
        "deputy_dsl_phone": "Enter the deputy DSL telephone number", "deputy_dsl_email": "Enter the deputy DSL email address",
        "capacity": "Enter how many pupils you can take", "age_from": "Enter the youngest age you teach",
        "age_to": "Enter the oldest age you teach", "overview": "Enter an overview of your provision",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = self.MESSAGES[name]
        for name in ("capacity", "age_from", "age_to"):
            self.fields[name].error_messages["invalid"] = "Enter a whole number"
        self.fields["entity_type"].choices = [("", "Select a type")] + list(EntityType.choices)
        if self.instance.pk:
            self.initial["team_teach"] = _bool_initial(self.instance.team_teach)
            self.initial["send_suitable"] = _bool_initial(self.instance.send_suitable if self.instance.updated_at else None)
        self.helper = helper(
            Fieldset("legal_name", "entity_type", "company_number", "charity_number", "ukprn", legend="Organisation",
                     legend_size=Size.MEDIUM),
            Fieldset(textarea(self, "overview", 4), textarea(self, "address"), "postcode", "website",
                     textarea(self, "social_media"), legend="About your provision", legend_size=Size.MEDIUM),
            Fieldset("contact_name", "contact_phone", "contact_email", legend="Named contact", legend_size=Size.MEDIUM),
            Fieldset("dsl_name", "dsl_phone", "dsl_email", "dsl_trained_on", "deputy_dsl_name", "deputy_dsl_phone",
                     "deputy_dsl_email", "deputy_dsl_trained_on", legend="Safeguarding leads", legend_size=Size.MEDIUM),
            Fieldset(Field.radios("team_teach", legend_size=Size.SMALL), "team_teach_detail",
                     Field.radios("send_suitable", legend_size=Size.SMALL), textarea(self, "send_detail"), "capacity", "age_from", "age_to",
                     legend="Pupils you can take", legend_size=Size.MEDIUM),
            submit="Save profile",
        )

    def clean_postcode(self):
        return " ".join(self.cleaned_data["postcode"].upper().split())

    def clean_ukprn(self):
        value = "".join(self.cleaned_data["ukprn"].split())
        if value:
            ukprn_validator(value)  # here, so a value too long for the column gives this one message
        return value

    def clean_social_media(self):
        lines = [line.strip() for line in self.cleaned_data["social_media"].splitlines() if line.strip()]
        check = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                check(line)
            except ValidationError as exc:
                raise ValidationError("Enter each social media link as a full web address, like https://www.instagram.com/example") from exc
        return "\n".join(lines)

    def clean(self):
        data = super().clean()
        entity = data.get("entity_type")
        if entity in (EntityType.COMPANY_GUARANTEE, EntityType.COMPANY_SHARES, EntityType.CIC) and not data.get("company_number"):
            self.add_error("company_number", "Enter the company number")
        if entity in (EntityType.CHARITY_CIO, EntityType.CHARITY) and not data.get("charity_number"):
            self.add_error("charity_number", "Enter the charity number")
        if data.get("age_from") and data.get("age_to") and data["age_from"] > data["age_to"]:
            self.add_error("age_to", "The oldest age must be the same as or more than the youngest age")
        return data


class RegistrationForm(ModelForm):
    registration_status = forms.ChoiceField(
        label="Are you registered with the DfE as an independent school?", widget=forms.RadioSelect,
        choices=[(RegistrationStatus.REGISTERED, "Yes, we are a registered independent school"),
                 (RegistrationStatus.UNREGISTERED, "No, we are not registered")],
        error_messages={"required": "Select whether you are a registered independent school"},
    )
    ofsted_judged_on = date_field("Date of the latest Ofsted judgement", required=False)

    class Meta:
        model = ProviderProfile
        fields = ["registration_status", "dfe_urn", "ofsted_judgement", "ofsted_judged_on"]
        widgets = {"dfe_urn": text(10, "numeric")}
        help_texts = {"dfe_urn": "Only if you are registered. 6 or 7 digits, from Get Information about Schools"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ofsted_judgement"].choices = [("", "Select a judgement")] + list(OfstedJudgement.choices)
        self.helper = helper(Field.radios("registration_status", legend_size=Size.MEDIUM), "dfe_urn",
                                 "ofsted_judgement", "ofsted_judged_on", submit="Save registration status")

    def clean(self):
        data = super().clean()
        if data.get("registration_status") == RegistrationStatus.REGISTERED:
            if not data.get("dfe_urn"):
                self.add_error("dfe_urn", "Enter your DfE URN")
            if not data.get("ofsted_judgement"):
                self.add_error("ofsted_judgement", "Select your latest Ofsted judgement")
            elif data["ofsted_judgement"] != OfstedJudgement.NOT_YET and not data.get("ofsted_judged_on"):
                self.add_error("ofsted_judged_on", "Enter the date of the latest Ofsted judgement")
        else:
            data["dfe_urn"], data["ofsted_judgement"], data["ofsted_judged_on"] = "", "", None
        return data


class PupilGroupForm(ModelForm):
    compulsory_school_age = yes_no_field("Are these pupils of compulsory school age?", error="Select yes if these pupils are of compulsory school age",
                                         help_text="From the term after their 5th birthday to the last Friday in June of year 11")

    class Meta:
        model = DeclaredPupilGroup
        fields = ["description", "pupils", "weekly_hours", "compulsory_school_age", "looked_after", "with_ehcp"]
        widgets = {"description": text(), "pupils": text(3, "numeric"), "weekly_hours": text(4, "decimal"),
                   "looked_after": text(3, "numeric"), "with_ehcp": text(3, "numeric")}
        help_texts = {"weekly_hours": "Including breaks and independent study, for example 12.5. Use the hours of "
                                      "the pupil with the longest week if they differ."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].error_messages["required"] = "Enter a name for the group"
        self.fields["pupils"].error_messages.update(required="Enter the number of pupils", invalid="Enter a whole number")
        self.fields["weekly_hours"].error_messages.update(required="Enter the hours a week", invalid="Enter a number of hours, like 12.5")
        for name in ("looked_after", "with_ehcp"):
            self.fields[name].error_messages["invalid"] = "Enter a whole number"
        self.helper = helper("description", "pupils", "weekly_hours", Field.radios("compulsory_school_age"),
                                 "looked_after", "with_ehcp", submit="Add pupils")

    def clean(self):
        data = super().clean()
        pupils = data.get("pupils") or 0
        for name, what in (("looked_after", "looked-after pupils"), ("with_ehcp", "pupils with an EHC plan")):
            if (data.get(name) or 0) > pupils:
                self.add_error(name, f"The number of {what} must not be more than the number of pupils")
        return data


class SiteForm(ModelForm):
    class Meta:
        model = ProviderSite
        fields = ["name", "address", "postcode"]
        widgets = {"name": text(), "address": forms.Textarea(attrs={"rows": 3}), "postcode": text(10)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the site name"
        self.fields["address"].error_messages["required"] = "Enter the site address"
        self.fields["postcode"].error_messages["required"] = "Enter the site postcode"
        self.helper = helper("name", textarea(self, "address"), "postcode", submit="Add site")

    def clean_postcode(self):
        return " ".join(self.cleaned_data["postcode"].upper().split())


# --- Offer ---------------------------------------------------------------------------------

class OfferForm(ModelForm):
    days = forms.MultipleChoiceField(label="Which days is it available?", choices=WEEKDAYS,
                                     widget=forms.CheckboxSelectMultiple,
                                     error_messages={"required": "Select at least one day"})

    class Meta:
        model = Offer
        fields = ["title", "subject", "expected_outcome", "qualification", "qualification_level",
                  "full_time_weeks", "part_time_days", "session_start", "session_end", "cost_per_session", "cost_per_day"]
        widgets = {
            "title": text(), "qualification": text(), "expected_outcome": forms.Textarea(attrs={"rows": 3}),
            "full_time_weeks": text(2, "numeric"), "part_time_days": text(2, "numeric"),
            "session_start": forms.TimeInput(attrs={"class": "govuk-input govuk-input--width-5"}, format="%H:%M"),
            "session_end": forms.TimeInput(attrs={"class": "govuk-input govuk-input--width-5"}, format="%H:%M"),
            "cost_per_session": text(5, "decimal"), "cost_per_day": text(5, "decimal"),
        }
        help_texts = {
            "full_time_weeks": "Leave blank if you do not offer full-time placements. Full-time placements are up to 12 weeks.",
            "part_time_days": "Leave blank if you do not offer longer-term part-time placements. 1 or 2 days a week.",
            "session_start": "24-hour clock, for example 09:15", "session_end": "24-hour clock, for example 15:00",
            "expected_outcome": "What a pupil should gain, for example 'Level 1 certificate in vehicle maintenance'",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", "Select a type")] + list(SubjectArea.choices)
        self.fields["title"].error_messages["required"] = "Enter the name of the course or programme"
        self.fields["subject"].error_messages["required"] = "Select the type of provision"
        self.fields["expected_outcome"].error_messages["required"] = "Enter the expected outcome"
        self.fields["full_time_weeks"].error_messages.update(invalid="Enter a whole number of weeks",
                                                             max_value="Full-time placements are up to 12 weeks")
        self.fields["part_time_days"].error_messages.update(invalid="Enter a whole number of days",
                                                            max_value="Longer-term part-time placements are up to 2 days a week")
        for name in ("session_start", "session_end"):
            self.fields[name].error_messages["invalid"] = "Enter a time on the 24-hour clock, like 09:15"
        for name in ("cost_per_session", "cost_per_day"):
            self.fields[name].error_messages["invalid"] = "Enter an amount in pounds, like 45 or 45.50"
        if self.instance.pk:
            self.initial["days"] = [code for code, _ in WEEKDAYS if getattr(self.instance, f"on_{code}")]
        self.helper = helper(
            "title", "subject", textarea(self, "expected_outcome"), "qualification", "qualification_level",
            Fieldset("full_time_weeks", "part_time_days", legend="Placement lengths", legend_size=Size.MEDIUM),
            Fieldset(Field.checkboxes("days", small=True), "session_start", "session_end", legend="When", legend_size=Size.MEDIUM),
            Fieldset("cost_per_session", "cost_per_day", legend="Cost", legend_size=Size.MEDIUM),
            submit="Save course",
        )

    def clean(self):
        data = super().clean()
        if not data.get("full_time_weeks") and not data.get("part_time_days") and "full_time_weeks" not in self.errors:
            self.add_error("full_time_weeks", "Enter the full-time length in weeks, the part-time days a week, or both")
        start, end = data.get("session_start"), data.get("session_end")
        if start and end and end <= start:
            self.add_error("session_end", "The session must end after it starts")
        if not data.get("cost_per_session") and not data.get("cost_per_day") and "cost_per_session" not in self.errors:
            self.add_error("cost_per_session", "Enter the cost per session, the cost per day, or both")
        return data

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "days"}
        for code, _ in WEEKDAYS:
            data[f"on_{code}"] = code in self.cleaned_data.get("days", [])
        return data


# --- Documents -----------------------------------------------------------------------------

class DocumentUploadForm(Form):
    kind = forms.ChoiceField(label="Which document is this?", choices=[("", "Select a document")] + list(DocumentKind.choices),
                             error_messages={"required": "Select which document this is"})
    file = forms.FileField(label="Upload the file", help_text="PDF, Word (DOCX), JPG or PNG, smaller than 10MB",
                           error_messages={"required": "Select a file", "empty": "The selected file is empty"},
                           validators=[UploadValidator(PROVIDER_DOCUMENT.key)])
    issued_on = date_field("Issue date", help_text="When this version was adopted or issued. For example, 1 9 2025")
    review_on = date_field("Review or expiry date", help_text="When it must be reviewed, or for a certificate, when it expires")
    insurer = forms.CharField(label="Insurer", required=False, widget=text())
    cover_amount = forms.DecimalField(label="Cover (£)", required=False, max_digits=12, decimal_places=0,
                                      widget=text(10, "numeric"), help_text="For example, 5000000 for £5 million",
                                      error_messages={"invalid": "Enter the cover in whole pounds"})
    covers_under_16s = yes_no_field("Does it cover pupils under 16?", required=False)
    last_fire_drill_on = date_field("Date of the last fire drill", required=False)

    def __init__(self, *args, kind: str | None = None, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fixed_kind = kind if kind in DocumentKind.values else None
        fields = []
        if self.fixed_kind:
            self.fields["kind"].widget = forms.HiddenInput()
            self.fields["kind"].initial = self.fixed_kind
            fields.append("kind")
        else:
            fields.append("kind")
        fields += ["file", "issued_on", "review_on"]
        if self.fixed_kind in (None, DocumentKind.INSURANCE):
            fields += ["insurer", "cover_amount", Field.radios("covers_under_16s")]
            if self.fixed_kind is None:
                for name in ("insurer", "cover_amount", "covers_under_16s"):
                    self.fields[name].label = f"{self.fields[name].label} (insurance certificate only)"
        if self.fixed_kind in (None, DocumentKind.FIRE_RISK):
            fields.append("last_fire_drill_on")
            if self.fixed_kind is None:
                self.fields["last_fire_drill_on"].label = "Date of the last fire drill (fire risk assessment only)"
        self.helper = helper(*fields, submit="Upload document")
        self.helper.attrs = {"enctype": "multipart/form-data"}

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        self.checked = uploaded.checked_upload  # set by UploadValidator
        return uploaded

    def clean(self):
        data = super().clean()
        kind = self.fixed_kind or data.get("kind")
        if self.fixed_kind:
            data["kind"] = self.fixed_kind
        issued, review = data.get("issued_on"), data.get("review_on")
        if issued and issued > self.today:
            self.add_error("issued_on", "The issue date must be today or in the past")
        if issued and review and review <= issued:
            self.add_error("review_on", "The review or expiry date must be after the issue date")
        if kind == DocumentKind.INSURANCE:
            if not data.get("insurer"):
                self.add_error("insurer", "Enter the insurer")
            if data.get("cover_amount") is None and "cover_amount" not in self.errors:
                self.add_error("cover_amount", "Enter the amount of cover")
            if data.get("covers_under_16s") is None:
                self.add_error("covers_under_16s", "Select yes if the insurance covers pupils under 16")
        if kind == DocumentKind.FIRE_RISK:
            drill = data.get("last_fire_drill_on")
            if not drill and "last_fire_drill_on" not in self.errors:
                self.add_error("last_fire_drill_on", "Enter the date of the last fire drill")
            elif drill and drill > self.today:
                self.add_error("last_fire_drill_on", "The date of the last fire drill must be today or in the past")
        return data

    def extra(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("insurer", "cover_amount", "covers_under_16s", "last_fire_drill_on")}


# --- Staff vetting register ----------------------------------------------------------------

class StaffForm(Form):
    full_name = forms.CharField(label="Full name", max_length=150, widget=text(20),
                                error_messages={"required": "Enter the person's full name"})
    job_title = forms.CharField(label="Role", max_length=120, widget=text(20),
                                error_messages={"required": "Enter the person's role"})
    is_manager = yes_no_field("Is this person a manager, supervisor or safeguarding lead?", error="Select yes if this person is a manager, supervisor or safeguarding lead",
                              help_text="They need level 3 or 4 safeguarding training every 2 years; other staff level 2 every year")
    dbs_enhanced = yes_no_field("Do they have an enhanced DBS check with a children's barred list check?", error="Select yes if they have an enhanced DBS check")
    dbs_certificate_number = forms.CharField(label="DBS certificate number", required=False, widget=text(20, "numeric"),
                                             help_text="12 digits")
    dbs_issued_on = date_field("DBS certificate issue date", required=False)
    dbs_update_service = yes_no_field("Are they on the DBS update service?", error="Select yes if they are on the DBS update service")
    dbs_status_checked_on = date_field("Date of the last update service status check", required=False)
    barred_list_checked_on = date_field("Children's barred list check date", required=False)
    right_to_work_checked_on = date_field("Right to work check date", required=False)
    training_level = forms.TypedChoiceField(label="Safeguarding training level", required=False, coerce=int, empty_value=None,
                                            choices=[("", "Not trained")] + list(TrainingLevel.choices))
    trained_on = date_field("Safeguarding training date", required=False)
    team_teach = yes_no_field("Are they trained in Team Teach or an equivalent?", error="Select yes if they are trained in Team Teach or an equivalent")
    qualifications = forms.CharField(label="Qualifications", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                     help_text="Teaching, vocational and first aid qualifications")
    left_on = date_field("Date they left", required=False, help_text="Only if they no longer work with pupils")

    def __init__(self, *args, today: dt.date, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            v = instance.vetting
            kwargs["initial"] = {
                "full_name": instance.full_name, "job_title": instance.job_title,
                "dbs_certificate_number": instance.dbs_certificate_number, "qualifications": instance.qualifications,
                "left_on": instance.left_on, "is_manager": _bool_initial(v.is_manager), "dbs_enhanced": _bool_initial(v.dbs_enhanced),
                "dbs_issued_on": v.dbs_issued_on, "dbs_update_service": _bool_initial(v.dbs_update_service),
                "dbs_status_checked_on": v.dbs_status_checked_on, "barred_list_checked_on": v.barred_list_checked_on,
                "right_to_work_checked_on": v.right_to_work_checked_on, "training_level": v.training_level,
                "trained_on": v.trained_on, "team_teach": _bool_initial(v.team_teach),
            }
        super().__init__(*args, **kwargs)
        self.today = today
        self.helper = helper(
            Fieldset("full_name", "job_title", Field.radios("is_manager"), legend="Person", legend_size=Size.MEDIUM),
            Fieldset(Field.radios("dbs_enhanced"), "dbs_certificate_number", "dbs_issued_on", Field.radios("dbs_update_service"),
                     "dbs_status_checked_on", "barred_list_checked_on", "right_to_work_checked_on",
                     legend="Vetting checks", legend_size=Size.MEDIUM),
            Fieldset("training_level", "trained_on", Field.radios("team_teach"), textarea(self, "qualifications"),
                     legend="Training and qualifications", legend_size=Size.MEDIUM),
            "left_on",
            submit="Save",
        )

    def clean_dbs_certificate_number(self):
        value = "".join(self.cleaned_data["dbs_certificate_number"].split())
        if value and (not value.isdigit() or len(value) != 12):
            raise ValidationError("Enter the 12-digit DBS certificate number")
        return value

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, DateField) and name != "left_on" and data.get(name) and data[name] > self.today:
                self.add_error(name, f"{field.label} must be today or in the past")
        if data.get("dbs_enhanced"):
            if not data.get("dbs_certificate_number") and "dbs_certificate_number" not in self.errors:
                self.add_error("dbs_certificate_number", "Enter the DBS certificate number")
            if not data.get("dbs_issued_on") and "dbs_issued_on" not in self.errors:
                self.add_error("dbs_issued_on", "Enter the DBS certificate issue date")
        if data.get("training_level") and not data.get("trained_on") and "trained_on" not in self.errors:
            self.add_error("trained_on", "Enter the safeguarding training date")
        if data.get("trained_on") and not data.get("training_level"):
            self.add_error("training_level", "Select the safeguarding training level")
        return data


class KcsieConfirmForm(Form):
    job_title = forms.CharField(label="Your role", max_length=120, widget=text(20),
                                error_messages={"required": "Enter your role"})
    confirm = forms.BooleanField(label="I confirm the statement above", error_messages={
        "required": "Confirm that your staff checks meet Keeping Children Safe in Education"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("job_title", Field.checkbox("confirm"), submit="Confirm")


# --- Directory -----------------------------------------------------------------------------

REGISTRATION_FILTERS = [("", "Any"), ("registered", "Registered independent school"),
                        ("unregistered", "Unregistered"), ("must_register", "Unregistered but must register")]


class DirectoryFilterForm(Form):
    q = forms.CharField(label="Search", required=False, max_length=100, widget=text(),
                        help_text="Name, postcode, course or qualification")
    area = forms.TypedChoiceField(label="Local authority area", required=False, coerce=int, empty_value=None)
    subject = forms.ChoiceField(label="Type of provision", required=False, choices=[("", "Any")] + list(SubjectArea.choices))
    registration = forms.ChoiceField(label="Registration", required=False, choices=REGISTRATION_FILTERS)
    status = forms.ChoiceField(label="LA approval status", required=False, choices=[("", "Any")] + list(ListingStatus.choices))
    send = forms.BooleanField(label="Suitable for pupils with SEND", required=False)
    days = forms.MultipleChoiceField(label="Days available", required=False, choices=WEEKDAYS,
                                     widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Any")] + [(a.pk, a.name) for a in areas]
        self.helper = helper("q", "area", "subject", "registration", "status", Field.checkbox("send", small=True),
                             Field.checkboxes("days", small=True), submit="Apply filters", method="get")


class ProviderCreateForm(Form):
    name = forms.CharField(label="Provider name", max_length=200, widget=text(),
                           error_messages={"required": "Enter the provider's name"})
    postcode = forms.CharField(label="Postcode", max_length=10, widget=text(10),
                               error_messages={"required": "Enter the provider's postcode"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Hidden("action", "create"), "name", "postcode", submit="Add new provider")
        self.helper.form_id = "new-provider"

    def clean_postcode(self):
        from .models import postcode_validator

        value = " ".join(self.cleaned_data["postcode"].upper().split())
        postcode_validator(value)
        return value


class ListingStatusForm(Form):
    """The LA's decision by hand (recorded in the approved list's history; a QA visit's outcome is
    decided when both sides sign the visit)."""

    status = forms.ChoiceField(label="Status in your directory", widget=forms.RadioSelect, choices=[
        (ListingStatus.APPROVED, "Approved — meets the local authority's standards"),
        (ListingStatus.SUSPENDED, "Suspended — schools should not commission new places"),
        (ListingStatus.NOT_APPROVED, "Not approved — may reapply"),
        (ListingStatus.WITHDRAWN, "Withdrawn — not approved and taken off the approved list"),
    ], error_messages={"required": "Select a status"})
    reason = forms.CharField(label="Reason for the decision", required=False, widget=forms.Textarea,
                             help_text="Schools in your area read it. Needed unless you approve the provider.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("status", legend_size=Size.MEDIUM), textarea(self, "reason"),
                             submit="Save status")

    def clean(self):
        data = super().clean()
        if data.get("status") and data["status"] != ListingStatus.APPROVED and not data.get("reason", "").strip():
            self.add_error("reason", "Enter the reason for the decision")
        return data


class ProviderInviteForm(Form):
    full_name = forms.CharField(label="Full name", max_length=150, widget=text(20),
                                error_messages={"required": "Enter the person's full name"})
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"class": "govuk-input govuk-!-width-two-thirds"}),
                             error_messages={"required": "Enter an email address",
                                             "invalid": "Enter an email address in the correct format, like name@example.org"})
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect, choices=[
        ("provider_manager", "Provider manager — keeps the profile and due-diligence pack"),
        ("org_admin", "Organisation admin — invites the provider's other staff"),
    ], error_messages={"required": "Select the person's role"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("full_name", "email", Field.radios("role"), submit="Send invitation")


# --- School suitability check --------------------------------------------------------------

# Non-breaking spaces keep each inline radio's label on one line.
OUTCOME_CHOICES = [(CheckOutcome.MET, "Met"), (CheckOutcome.NOT_MET, mark_safe("Not&nbsp;met")),
                   (CheckOutcome.NOT_APPLICABLE, mark_safe("Not&nbsp;applicable"))]


class SuitabilityForm(Form):
    """All of seed 002's checks on one page, grouped; each has an outcome and evidence.
    Saving part-way is allowed: sign-off checks that every item is answered."""

    def __init__(self, *args, answers: dict, gaps: dict[str, list[str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(SuitabilityItem.choices)
        self.gaps = gaps or {}
        layout = []
        for section, items in SUITABILITY_SECTIONS:
            layout.append(HTML(f'<h2 class="govuk-heading-m">{section}</h2>'))
            for item in items:
                choices = OUTCOME_CHOICES if item not in ALWAYS_APPLICABLE else OUTCOME_CHOICES[:2]
                self.fields[f"{item}_outcome"] = forms.ChoiceField(
                    label=labels[item], required=False, choices=choices, widget=forms.RadioSelect)
                self.fields[f"{item}_evidence"] = forms.CharField(
                    label=format_html('Evidence<span class="govuk-visually-hidden"> for: {}</span>', labels[item]),
                    required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
                answer = answers.get(item)
                if answer is not None:
                    self.initial[f"{item}_outcome"] = answer.outcome
                    self.initial[f"{item}_evidence"] = answer.evidence
                    self.fields[f"{item}_evidence"].help_text = f"Recorded {answer.checked_on:%-d %B %Y}"
                layout += [Field.radios(f"{item}_outcome", legend_size=Size.SMALL, small=True, inline=True),
                           textarea(self, f"{item}_evidence", 2)]
                if item in self.gaps:
                    missing = " or ".join(d.lower() for d in self.gaps[item])
                    self.fields[f"{item}_justification"] = forms.CharField(
                        label=format_html('If met, why, although the pack has no current {}?'
                                          '<span class="govuk-visually-hidden"> ({})</span>', missing, labels[item]),
                        help_text="For example, a current copy seen on a visit or sent by email. Needed to sign off "
                                  "a check as met while its document is missing or expired.",
                        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
                    if answer is not None:
                        self.initial[f"{item}_justification"] = answer.justification
                    layout.append(textarea(self, f"{item}_justification", 2))
        self.helper = helper(*layout, submit="Save checks", secondary=("then", "Save and go to sign-off"))

    def clean(self):
        data = super().clean()
        for item in SuitabilityItem.values:
            if data.get(f"{item}_evidence") and not data.get(f"{item}_outcome"):
                self.add_error(f"{item}_outcome", "Select met, not met or not applicable for the evidence you entered")
        if not any(data.get(f"{item}_outcome") for item in SuitabilityItem.values) and not self.errors:
            first = SUITABILITY_SECTIONS[0][1][0]
            self.add_error(f"{first}_outcome", "Answer at least one check before you save")
        return data

    def answers(self) -> dict[str, tuple[str, str, str]]:
        return {item: (self.cleaned_data.get(f"{item}_outcome") or "", self.cleaned_data.get(f"{item}_evidence") or "",
                       self.cleaned_data.get(f"{item}_justification") or "")
                for item in SuitabilityItem.values}


class SignOffForm(Form):
    job_title = forms.CharField(label="Your role", max_length=120, widget=text(20),
                                error_messages={"required": "Enter your role"})
    confirm = forms.BooleanField(
        label="I have checked this provider against every item and I am satisfied it is suitable",
        error_messages={"required": "Confirm that you are satisfied the provider is suitable"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("job_title", Field.checkbox("confirm"), submit="Sign off check")
