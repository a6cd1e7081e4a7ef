from crispy_forms_gds.layout import Fieldset, Size
from django import forms

from apcommission.forms import (
    Form,
    ModelForm,
    date_field,
    helper,
    hours_field,
    money_field,
    textarea,
)
from apcommission.uploads import SLA_VERIFY, UploadValidator
from tenancy.models import Organisation
from tenancy.roles import OrganisationKind

from .models import ClauseTemplate, ServiceLevelAgreement


class SLACreateForm(Form):
    provider = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Provider", empty_label="Select a provider",
        error_messages={"required": "Select the provider", "invalid_choice": "Select a provider from the list"},
    )
    template = forms.ChoiceField(label="Start from", widget=forms.RadioSelect)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        # Providers in the school's LA directory (organisation names are reference data).
        self.fields["provider"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.PROVIDER, is_active=True,
            listings__local_authority_id=school.local_authority_id,
        ).order_by("name")
        self.templates = {str(t.pk): t for t in ClauseTemplate.objects.all()}
        self.fields["template"].choices = [("default", "The standard clauses (from the LA and DfE guidance)")] + [
            (pk, f"Your template: {t.name}") for pk, t in self.templates.items()
        ]
        self.fields["template"].initial = "default"
        if not self.templates:
            # Only the standard clauses to start from: no question with a single answer.
            self.fields["template"].widget = forms.HiddenInput()
        self.helper = helper("provider", "template", submit="Create draft SLA")

    def chosen_template(self):
        return self.templates.get(self.cleaned_data["template"])


class SLAScheduleForm(ModelForm):
    # The queryset is set per request (tenant models cannot be queried when the class is built).
    placements = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
                                                label="Placements this SLA covers")
    start_date = date_field("Start date")
    end_date = date_field("End date")
    hours_per_week = hours_field("Hours per week")
    rate = money_field("Rate (£)")
    estimated_total = money_field("Estimated total (£)", required=False)

    class Meta:
        model = ServiceLevelAgreement
        fields = [
            "start_date", "end_date", "hours_per_week", "days_and_sessions", "number_of_pupils", "rate",
            "rate_unit", "vat_rate", "estimated_total", "invoicing_period", "payment_due_days", "transport_arrangement",
            "insurance_statement", "register_deadline_minutes", "incidents_before_emergency_review",
            "visits_per_half_term", "placements",
        ]
        labels = {
            "placements": "Placements this SLA covers",
            "start_date": "Start date", "end_date": "End date", "hours_per_week": "Hours per week",
            "days_and_sessions": "Days and sessions", "number_of_pupils": "Number of pupils",
            "rate": "Rate (£)", "rate_unit": "Rate is charged", "vat_rate": "VAT on invoices", "estimated_total": "Estimated total (£)",
            "invoicing_period": "Invoicing period", "payment_due_days": "Invoices paid within (days)",
            "transport_arrangement": "Transport arrangement", "insurance_statement": "Insurance statement",
            "register_deadline_minutes": "Register due within (minutes of the session start)",
            "incidents_before_emergency_review": "Incidents before an emergency review",
            "visits_per_half_term": "School visits per half term (at least)",
        }
        help_texts = {
            "days_and_sessions": "For example, Tuesday and Thursday mornings, 9:00am to 12:30pm",
            "rate_unit": "Invoice lines count this: sessions and days the pupil attended; agreed hours, weeks and "
                         "terms booked.",
            "register_deadline_minutes": "The app escalates a register not received by then.",
        }
        widgets = {"placements": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from placements.models import Placement
        from placements.selectors import COMMITTED_STATES

        # The school's placements with this provider (scoped: only the school's own rows).
        self.fields["placements"].queryset = Placement.objects.filter(
            provider_id=self.instance.provider_id, state__in=[*COMMITTED_STATES, "accepted"],
        ).select_related("pupil").order_by("pupil__last_name")
        self.fields["placements"].label_from_instance = lambda p: f"{p.pupil.first_name} {p.pupil.last_name} (P-{p.pk}, {p.get_state_display().lower()})"
        self.fields["placements"].required = False
        for name in ("days_and_sessions", "number_of_pupils"):
            self.fields[name].required = True
        self.fields["rate"].error_messages["required"] = "Enter the rate"
        self.helper = helper(
            Fieldset("start_date", "end_date", "hours_per_week", "days_and_sessions", "number_of_pupils",
                     "placements", legend="Provision", legend_size=Size.MEDIUM),
            Fieldset("rate", "rate_unit", "vat_rate", "estimated_total", "invoicing_period", "payment_due_days",
                     legend="Costings", legend_size=Size.MEDIUM),
            Fieldset("transport_arrangement", "insurance_statement", legend="Transport and insurance",
                     legend_size=Size.MEDIUM),
            Fieldset("register_deadline_minutes", "incidents_before_emergency_review", "visits_per_half_term",
                     legend="Numbers the service enforces", legend_size=Size.MEDIUM),
            submit="Save schedule",
        )


class ClauseForm(Form):
    heading = forms.CharField(label="Clause heading", max_length=200,
                              error_messages={"required": "Enter a heading for the clause"})
    body = forms.CharField(label="Clause text", widget=forms.Textarea(attrs={"rows": 6}),
                           help_text="{register_deadline_minutes}, {incidents_before_emergency_review} and "
                                     "{visits_per_half_term} are replaced by the numbers in the schedule; "
                                     "any other text in braces is printed as typed.",
                           error_messages={"required": "Enter the clause text"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("heading", textarea(self, "body", 6), submit="Save clause")


class SignForm(Form):
    typed_name = forms.CharField(label="Your full name", max_length=150,
                                 error_messages={"required": "Type your full name to sign"})
    position = forms.CharField(label="Your position", max_length=150,
                               error_messages={"required": "Enter your position, for example Headteacher"})
    confirm = forms.BooleanField(
        label="I confirm I am authorised to sign this agreement for my organisation and agree to its terms",
        error_messages={"required": "Confirm that you are authorised to sign"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["typed_name"].widget.attrs["autocomplete"] = "name"
        self.fields["position"].widget.attrs["autocomplete"] = "organization-title"
        self.helper = helper("typed_name", "position", "confirm", submit="Sign agreement")


class PolicyReceivedForm(Form):
    policy_received_on = date_field("Date the provider's safeguarding policy was received")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("policy_received_on", submit="Record policy received")


class TerminateForm(Form):
    terminated_on = date_field("Date the SLA ends")
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "Enter the reason for ending the SLA"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("terminated_on", textarea(self, "reason", 4), submit="End the SLA")


class SaveTemplateForm(Form):
    name = forms.CharField(label="Template name", max_length=120,
                           error_messages={"required": "Enter a name for the template"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("name", submit="Save as template")


class VerifyForm(Form):
    document = forms.FileField(label="Upload the PDF", help_text="The file is checked and not kept.",
                               error_messages={"required": "Choose the PDF file to check"},
                               validators=[UploadValidator(SLA_VERIFY.key)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("document", submit="Check the PDF")
        self.helper.form_tag = True
        self.helper.attrs = {"enctype": "multipart/form-data"}
