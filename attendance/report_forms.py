"""Forms of the school's attendance pages: its own code for an absence, and the CSV's dates."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import Field
from django import forms

from apcommission.forms import Form, date_field, helper

from .rules import AbsenceCode

EXPORT_MAX_DAYS = 366


class SchoolCodeForm(Form):
    code = forms.ChoiceField(label="Which code does the school's register carry for this session?",
                             choices=AbsenceCode.choices, widget=forms.RadioSelect,
                             help_text="The DfE attendance code for the absence. N means the reason is not known yet: "
                                       "change it within 5 school days",
                             error_messages={"required": "Select the code for the absence"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("code", small=True), submit="Save the code")


class ExportForm(Form):
    first = date_field("First day", help_text="For example, 2 11 2026")
    last = date_field("Last day", help_text="For example, 6 11 2026")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("first", "last", submit="Download the CSV file", method="get")

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", "The last day must be the same as or after the first day")
            elif last - first >= dt.timedelta(days=EXPORT_MAX_DAYS):
                self.add_error("last", "The dates must cover a year or less: export a longer period in parts")
        return data
