"""Parents' agreement, status changes, ending the placement and the destination."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from apcommission.forms import (
    Form,
    date_field,
    helper,
    textarea,
    yes_no_field,
)
from apcommission.uploads import PARENTAL_AGREEMENT, UploadValidator, rename_to_safe_name

from ..models import (
    Destination,
    EndReason,
    ParentalAgreementMethod,
)

# --- Parents, status, ending --------------------------------------------------------------

class ParentalAgreementForm(Form):
    method = forms.ChoiceField(label="How are you recording the agreement?", choices=ParentalAgreementMethod.choices,
                               widget=forms.RadioSelect, error_messages={"required": "Select how you are recording it"})
    signed_copy = forms.FileField(label="Upload the signed contract", required=False,
                                  help_text="A PDF or photo (JPG or PNG) of the signed paper contract, up to 10MB",
                                  validators=[UploadValidator(PARENTAL_AGREEMENT.key)])
    signed_by_name = forms.CharField(label="Name of the parent or carer who signed", max_length=150,
                                     error_messages={"required": "Enter the name of the parent or carer"})
    relationship = forms.CharField(label="Relationship to the pupil", max_length=60, required=False)
    signed_on = date_field("Date signed")
    consent_to_share = yes_no_field("Did they consent to information being shared with the provider?")
    information_shared = forms.CharField(label="Information shared with consent", required=False,
                                         widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("method", small=True), Field("signed_copy"),
                             Field.text("signed_by_name", field_width=20), Field.text("relationship", field_width=20),
                             Field("signed_on"), Field.radios("consent_to_share", small=True),
                             textarea(self, "information_shared", 3), submit="Record agreement")
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


class StatusChangeForm(Form):
    note = forms.CharField(label="Why?", widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Both the school and the provider read this. Do not include health or "
                                     "safeguarding details.",
                           error_messages={"required": "Enter the reason"})

    def __init__(self, *args, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(textarea(self, "note", 3), submit=submit)


class EndForm(Form):
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
            Fieldset(textarea(self, "final_attainment", 3), textarea(self, "final_progress", 3), textarea(self, "final_attendance", 3),
                     textarea(self, "final_behaviour", 3), legend="The provider's final report", legend_size=Size.MEDIUM),
            textarea(self, "pupil_view", 3), submit="End placement",
        )


class DestinationForm(Form):
    destination = forms.ChoiceField(label="The pupil's next destination", choices=Destination.choices,
                                    widget=forms.RadioSelect, error_messages={"required": "Select the destination"})
    destination_details = forms.CharField(label="Details (optional)", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("destination", small=True), Field.text("destination_details", field_width=20),
                             submit="Save destination")
