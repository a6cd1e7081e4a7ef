from django import forms

from apcommission.forms import Form, helper

from .models import EmailFrequency


class EmailPreferenceForm(Form):
    frequency = forms.ChoiceField(
        label="How do you want to get notification emails?", choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        help_text="Urgent alerts, such as a pupil not accounted for or a register still missing at the end of "
                  "a session, are always emailed straight away.",
        error_messages={"required": "Select how you want to get notification emails",
                        "invalid_choice": "Select how you want to get notification emails"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("frequency", submit="Save")
