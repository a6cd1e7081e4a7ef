"""Forms of the improvement plan pages (GOV.UK kit: apcommission.forms)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field
from django import forms

from apcommission.forms import Form, date_field, helper, long_text_field, text_input, textarea

from .models import RAG


class ActionForm(Form):
    """A row of the plan (seed 001 §18): area for improvement, actions, RAG, by when, who by."""

    area = forms.CharField(label="Area for improvement", max_length=200, widget=text_input(),
                           error_messages={"required": "Enter the area for improvement"})
    actions = long_text_field("Actions", required=True)
    rag = forms.ChoiceField(label="RAG rating", choices=RAG.choices, widget=forms.RadioSelect,
                            error_messages={"required": "Select the RAG rating"})
    due_on = date_field("Date to be done by")
    who_by = forms.CharField(label="Who by", max_length=200, widget=text_input(20),
                             help_text="The person or role at the provider who will do it",
                             error_messages={"required": "Enter who will do it"})

    FIELDS = ("area", "actions", "rag", "due_on", "who_by")

    def __init__(self, *args, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].error_messages["required"] = "Enter the actions"
        self.helper = helper("area", textarea(self, "actions"), Field.radios("rag", small=True, inline=True), "due_on",
                             "who_by", submit=submit)

    @classmethod
    def initial_from(cls, action) -> dict:
        return {name: getattr(action, name) for name in cls.FIELDS}


class ProgressForm(Form):
    progress = long_text_field("Progress made", required=True)
    evidence = long_text_field("Evidence of progress",
                               help_text="What shows it: a policy's new date, a training record, a photo's "
                                         "description, who can confirm it")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].error_messages["required"] = "Enter the progress made"
        self.helper = helper(textarea(self, "progress"), textarea(self, "evidence"), submit="Save the progress")
