"""The headteacher's decision, the provider's response and the initial assessment."""

from __future__ import annotations

from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field
from django import forms

from apcommission.forms import (
    Form,
    date_field,
    helper,
    textarea,
)

# --- Decision and response ----------------------------------------------------------------

class DecisionForm(Form):
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
                             Field.radios("decision", small=True), textarea(self, "notes", 3), submit="Record decision")

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


class RespondForm(Form):
    response = forms.ChoiceField(label="Will you accept this referral?", widget=forms.RadioSelect,
                                 choices=[("accept", "Yes, accept it"), ("decline", "No, decline it")],
                                 error_messages={"required": "Select whether you accept the referral"})
    reason = forms.CharField(label="Why are you declining it?", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="The school sees this reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The reason is asked only under "No, decline it" (a GOV.UK conditional reveal).
        self.helper = helper(ConditionalRadios("response", "Yes, accept it",
                                               ConditionalQuestion("No, decline it", textarea(self, "reason", 3))),
                             submit="Send response")

    def clean(self):
        data = super().clean()
        if data.get("response") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason for declining the referral")
        if data.get("response") == "accept":
            data["reason"] = ""
        return data


class InitialAssessmentForm(Form):
    done_on = date_field("Date of the initial assessment")
    summary = forms.CharField(label="Outcome: the level of course and support that suits the pupil",
                              widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "Enter the outcome of the assessment"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field("done_on"), textarea(self, "summary"), submit="Save assessment")
