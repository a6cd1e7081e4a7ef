"""Forms of the exam entry pages (GOV.UK kit: apcommission.forms). The services say what else an
entry needs (an address when the pupil sits it elsewhere, a reason when the provider cannot)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset
from django import forms

from apcommission.forms import Form, date_field, helper, long_text_field, text_input, textarea

from .models import Tier, Venue
from .services import ENTRY_FIELDS


class EntryForm(Form):
    qualification = forms.CharField(label="Qualification", max_length=200, widget=text_input(),
                                    help_text="For example, GCSE Mathematics or Level 1 Award in Construction")
    awarding_body = forms.CharField(label="Awarding body", max_length=100, widget=text_input(20),
                                    help_text="For example, AQA, Pearson Edexcel, OCR, City & Guilds")
    tier = forms.ChoiceField(label="Tier", choices=Tier.choices, widget=forms.RadioSelect, required=False)
    series = forms.CharField(label="Exam series", max_length=40, widget=text_input(10),
                             help_text="For example, June 2027")
    first_exam_on = date_field("Date of the first exam or assessment")
    last_exam_on = date_field("Date of the last exam or assessment", required=False,
                              help_text="Optional: leave it blank when there is one date")
    access_arrangements = long_text_field("Access arrangements (optional)",
                                          help_text="For example, 25% extra time, a reader, a separate room")
    venue = forms.ChoiceField(label="Where does the pupil sit it?", choices=Venue.choices, widget=forms.RadioSelect)
    venue_address = long_text_field("Address of the exam venue", help_text="Needed when the pupil sits it somewhere else",
                                    max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("qualification"), Field.text("awarding_body"), Field.radios("tier", small=True, inline=True),
            Field.text("series"),
            Fieldset("first_exam_on", "last_exam_on", legend="Dates"),
            textarea(self, "access_arrangements"),
            Field.radios("venue", small=True), textarea(self, "venue_address"),
            submit="Save the exam entry")

    @staticmethod
    def initial_from(entry) -> dict:
        return {name: getattr(entry, name) for name in ENTRY_FIELDS}

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ENTRY_FIELDS}


ANSWERS = [("confirm", "Yes, we confirm the entry and the arrangements"), ("cannot", "No, we cannot")]


class AnswerForm(Form):
    answer = forms.ChoiceField(label="Can you confirm this exam entry?", choices=ANSWERS, widget=forms.RadioSelect)
    reason = long_text_field("If not, why not?", help_text="The school reads this")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("answer", small=True), textarea(self, "reason"), submit="Send your answer")


class ResultForm(Form):
    grade = forms.CharField(label="Grade", max_length=20, widget=text_input(10),
                            help_text="For example, 5, Merit or Pass")
    result_on = date_field("Date of the result")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.text("grade"), "result_on", submit="Save the result")
