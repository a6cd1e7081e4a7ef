"""Forms of the monitoring pages (GOV.UK kit: apcommission.forms)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from crispy_forms_gds.layout import Field, Fieldset
from django import forms

from apcommission.forms import (
    Form,
    date_field,
    helper,
    long_text_field,
    text_input,
    textarea,
    yes_no_field,
    yes_no_initial,
)

from .models import ActionSide
from .services import RECORD_FIELDS

TEXTS = ("attendance_notes", "behaviour_welfare", "progress_attainment", "curriculum_learning", "other_agencies",
         "parent_not_contacted_reason", "pupil_views")


REGISTERS_HINT = "Filled in from the provider's registers since the placement started; change it if you need to"


def attendance_percent_field(label: str = "Attendance (%)", help_text: str = REGISTERS_HINT) -> forms.DecimalField:
    """The attendance question of a visit record, a review meeting (review_forms) and a termly report
    (reports_forms): optional, 0 to 100 with one decimal place, pre-filled from the registers."""
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal(0), max_value=Decimal(100), decimal_places=1,
        max_digits=4, widget=text_input(4, "decimal"), help_text=help_text,
        error_messages={"invalid": "Enter the attendance as a number from 0 to 100, like 92.5"})


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return getattr(obj, "full_name", "") or obj.email


class VisitForm(Form):
    """The visit proforma (seed 004). Everything may be left blank in a draft; the service says what a
    submitted record needs."""

    visited_on = date_field("Date of the visit", required=False)
    visited_time = forms.TimeField(label="Time of the visit", required=False, help_text="For example, 10:30",
                                   input_formats=["%H:%M", "%H.%M"], widget=text_input(5),
                                   error_messages={"invalid": "Enter the time of the visit like 10:30"})
    visitor = StaffChoiceField(label="Member of staff who visited", queryset=None, required=False,
                               empty_label="Choose a member of staff")
    attendance_percent = attendance_percent_field()
    safeguarding_concerns = yes_no_field("Were there any safeguarding concerns?", required=False,
                                         help_text="Record the details separately, as a safeguarding concern")
    attendance_notes = long_text_field("Attendance notes")
    behaviour_welfare = long_text_field("Behaviour and welfare")
    progress_attainment = long_text_field("Progress and attainment")
    curriculum_learning = long_text_field("Curriculum and learning")
    other_agencies = long_text_field("Other agencies involved")
    parent_contacted = yes_no_field("Was the parent or carer contacted?", required=False)
    parent_not_contacted_reason = long_text_field("If not, why not?")
    pupil_views = long_text_field("The pupil's views")
    next_review_on = date_field("Date of the next review meeting", required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitor"].queryset = staff
        self.helper = helper(
            Fieldset("visited_on", "visited_time", Field.select("visitor"), legend="The visit"),
            Field.text("attendance_percent"), textarea(self, "attendance_notes"),
            Field.radios("safeguarding_concerns", inline=True),
            textarea(self, "behaviour_welfare"), textarea(self, "progress_attainment"),
            textarea(self, "curriculum_learning"), textarea(self, "other_agencies"),
            Field.radios("parent_contacted", inline=True), textarea(self, "parent_not_contacted_reason"),
            textarea(self, "pupil_views"), "next_review_on",
            submit="Submit the visit record", secondary=("draft", "Save and come back later"))

    @staticmethod
    def initial_from(visit) -> dict:
        initial = {name: getattr(visit, name) for name in RECORD_FIELDS}
        initial["safeguarding_concerns"] = yes_no_initial(visit.safeguarding_concerns)
        initial["parent_contacted"] = yes_no_initial(visit.parent_contacted)
        return initial

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in RECORD_FIELDS}


class VisitOwnerForm(Form):
    owner = StaffChoiceField(label="Who owns the visits to this placement?", queryset=None,
                             empty_label="Choose a member of staff",
                             help_text="They are reminded when a half-termly visit is due and told when it is overdue",
                             error_messages={"required": "Select the member of staff who owns the visits"})

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff
        self.helper = helper(Field.select("owner"), submit="Save the visit owner")


class VisitActionForm(Form):
    side = forms.ChoiceField(label="Who is the action for?", choices=ActionSide.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select whether the action is for the school or the provider"})
    description = long_text_field("What needs to be done", required=True)
    owner_name = forms.CharField(label="Who will do it", max_length=150, widget=text_input(20),
                                 error_messages={"required": "Enter who will do it"})
    due_on = date_field("Due date")

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.helper = helper(Field.radios("side", small=True), textarea(self, "description"), "owner_name", "due_on",
                             submit="Add the action")


VISIT_FREQUENCIES = [
    (1, "Once each half term (twice a term)"),
    (2, "Twice each half term (four times a term)"),
    (3, "Three times each half term"),
    (4, "Four times each half term"),
]


class VisitSettingsForm(Form):
    visits_per_half_term = forms.TypedChoiceField(
        label="How often should the school visit each placement?", coerce=int, choices=VISIT_FREQUENCIES,
        widget=forms.RadioSelect,
        help_text="For placements whose signed service level agreement does not say; a signed SLA's number "
                  "comes first. A half term in which the pupil is at the provider for fewer than 10 school days "
                  "needs no visit.",
        error_messages={"required": "Select how often the school should visit each placement"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("visits_per_half_term", small=True), submit="Save settings")
