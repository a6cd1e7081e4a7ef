"""The commissioning agreement: its text, targets and timetable sessions."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from apcommission import clock
from apcommission.forms import (
    Form,
    ModelForm,
    date_field,
    helper,
    textarea,
)

from ..models import (
    CommissioningAgreement,
    SessionPart,
    Target,
    Weekday,
)

NOON = dt.time(12, 0)
# A morning session may run to lunch; one that ends later than this is all day.
AFTERNOON_STARTS = dt.time(13, 30)


# --- Agreement ----------------------------------------------------------------------------

class AgreementForm(ModelForm):
    school_lead = forms.ModelChoiceField(
        label="School staff member responsible for the placement", queryset=None, required=False,
        empty_label="Select a member of staff",
        help_text="They visit the pupil, complete the reviews and are the provider's first contact at the school")
    set_up_visit_on = date_field("Date of the set-up visit", required=False)
    next_visit_on = date_field("Date of the next visit", required=False,
                               help_text="The school visits the pupil at the provider at least once each half term")
    start_date = date_field("Start date", required=False)
    planned_end_date = date_field("Planned end date", required=False)
    review_date = date_field("First review date", required=False, help_text="Reviews are at least half-termly")
    effective_from = date_field(
        "Takes effect from",
        help_text="The first day the new timetable and arrangements apply: today or later. Registers before it "
                  "follow the previous version. For example, 27 3 2026")

    class Meta:
        model = CommissioningAgreement
        fields = ["change_summary", "rationale", "pupil_profile", "baseline", "assessment_method",
                  "accreditation_aim", "accreditation_level", "personal_social_wellbeing", "safeguarding_shared",
                  "safeguarding_reporting", "dsl_details", "careers_plan", "access_arrangements", "school_lead",
                  "set_up_visit_on", "next_visit_on", "start_date", "planned_end_date", "review_date",
                  "home_school_hours", "effective_from"]
        help_texts = {
            "home_school_hours": "Hours a week the pupil is taught at the home school alongside this placement. "
                                 "Enter 0 if the placement is the pupil's whole week.",
            "safeguarding_shared": "Do not repeat details from the referral: say what was shared and with whom",
        }

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_lead"].queryset = staff
        self.fields["school_lead"].label_from_instance = lambda user: user.full_name or user.email
        textareas = ["rationale", "pupil_profile", "baseline", "assessment_method", "personal_social_wellbeing",
                     "safeguarding_shared", "safeguarding_reporting", "careers_plan", "access_arrangements"]
        for name in textareas:
            self.fields[name].widget = forms.Textarea(attrs={"rows": 3})
        layout = []
        if self.instance.version > 1:
            layout += [Field.text("change_summary"), Field("effective_from")]
            if self.initial.get("effective_from") is None:
                self.initial["effective_from"] = clock.today()  # default: the school may choose a later day
        else:
            del self.fields["change_summary"]
            del self.fields["effective_from"]  # version 1 takes effect from its start date
        layout += [
            Fieldset(textarea(self, "rationale", 3), textarea(self, "pupil_profile", 3), textarea(self, "baseline", 3),
                     legend="Commissioning aims", legend_size=Size.MEDIUM),
            Fieldset(textarea(self, "assessment_method", 3), Field.text("accreditation_aim", field_width=20),
                     Field.text("accreditation_level", field_width=10),
                     legend="Progress and accreditation", legend_size=Size.MEDIUM),
            Fieldset(textarea(self, "personal_social_wellbeing", 3), textarea(self, "safeguarding_shared", 3),
                     textarea(self, "safeguarding_reporting", 3), Field.text("dsl_details"),
                     textarea(self, "careers_plan", 3), textarea(self, "access_arrangements", 3),
                     legend="Wellbeing, safeguarding, careers and access", legend_size=Size.MEDIUM),
            Fieldset(Field.select("school_lead"), Field("set_up_visit_on"), Field("next_visit_on"),
                     legend="Who is responsible, and visits", legend_size=Size.MEDIUM),
            Fieldset(Field("start_date"), Field("planned_end_date"), Field("review_date"),
                     Field.text("home_school_hours", field_width=4),
                     legend="Dates and hours", legend_size=Size.MEDIUM),
        ]
        self.helper = helper(*layout, submit="Save agreement")


class TargetForm(ModelForm):
    class Meta:
        model = Target
        fields = ["target", "support_from_school", "support_from_provider"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in fields}
        error_messages = {"target": {"required": "Enter the target"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(textarea(self, "target", 3), textarea(self, "support_from_school", 3),
                             textarea(self, "support_from_provider", 3), submit="Add target")


class SessionForm(Form):
    weekday = forms.TypedChoiceField(label="Day", choices=Weekday.choices, coerce=int, widget=forms.RadioSelect,
                                     error_messages={"required": "Select the day"})
    part = forms.ChoiceField(label="Morning, afternoon or all day", choices=SessionPart.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select morning, afternoon or all day"})
    start_time = forms.TimeField(label="Start time", input_formats=["%H:%M", "%H.%M"], help_text="For example, 09:30",
                                 error_messages={"required": "Enter the start time", "invalid": "Enter a time like 09:30"})
    end_time = forms.TimeField(label="End time", input_formats=["%H:%M", "%H.%M"], help_text="For example, 12:00",
                               error_messages={"required": "Enter the end time", "invalid": "Enter a time like 12:00"})
    site = forms.CharField(label="Site", required=False, max_length=200, help_text="Where the session takes place")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("weekday", small=True), Field.radios("part", small=True),
                             Field.text("start_time", field_width=5), Field.text("end_time", field_width=5),
                             Field.text("site", field_width=20), submit="Add session")

    def clean(self):
        data = super().clean()
        start, end, part = data.get("start_time"), data.get("end_time"), data.get("part")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time")
        if start and part == SessionPart.AM and start >= NOON:
            self.add_error("start_time", "A morning session starts before 12:00")
        if start and part == SessionPart.PM and start < NOON:
            self.add_error("start_time", "An afternoon session starts at 12:00 or later")
        if start and part == SessionPart.AM and end and end > AFTERNOON_STARTS:
            self.add_error("part", "This session runs into the afternoon: select all day")
        if part == SessionPart.DAY and start and end and not (start < NOON < end):
            self.add_error("part", "An all-day session starts before 12:00 and ends after it")
        return data
