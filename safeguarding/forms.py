"""Forms: an incident, closing an emergency review, a safeguarding concern, sharing one, a formal
review (opening and recording it) and ceasing a placement (GOV.UK kit)."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import Field
from django import forms

from apcommission import clock
from apcommission.forms import Form, date_field, helper, long_text_field, textarea, yes_no_field
from placements.models.choices import Destination

from .models import CeaseGround, FormalReviewOutcome, IncidentKind
from .services import ReviewOutcome

TIME_FORMATS = ["%H:%M", "%H.%M"]


def _time_field(label: str, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(label=label, input_formats=TIME_FORMATS, required=required,
                           help_text="Use the 24-hour clock, for example 14:30",
                           widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
                           error_messages={"invalid": f"Enter {label[0].lower() + label[1:]} like 14:30"})


class _WhenMixin:
    """A date and a time that together make an aware Europe/London instant, not in the future."""

    def _instant(self, date_name: str, time_name: str, now: dt.datetime) -> dt.datetime | None:
        day, time = self.cleaned_data.get(date_name), self.cleaned_data.get(time_name)
        if day is None or time is None:
            return None
        at = clock.london(day, time)
        if at > now:
            self.add_error(date_name, "The date and time must be in the past")
            return None
        return at


class IncidentForm(_WhenMixin, Form):
    date = date_field("Date of the incident")
    time = _time_field("Time of the incident")
    location = forms.CharField(label="Where did it happen?", max_length=200,
                               widget=forms.TextInput(attrs={"class": "govuk-input"}))
    description = long_text_field("What happened?", required=True)
    action_taken = long_text_field("What action was taken?", required=True)
    injury = long_text_field("What was the injury?", required=True)
    first_aid = long_text_field("What first aid was given?", required=True,
                                help_text="Say 'None' if none was needed")
    parent_informed = yes_no_field("Has a parent or carer been informed?")
    parent_date = date_field("Date the parent or carer was informed", required=False)
    parent_time = _time_field("Time the parent or carer was informed", required=False)

    def __init__(self, *args, kind: str, now: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.now = kind, now
        fields = [Field("date"), Field.text("time", field_width=5), Field.text("location"),
                  textarea(self, "description"), textarea(self, "action_taken")]
        if kind == IncidentKind.ACCIDENT:
            fields += [textarea(self, "injury"), textarea(self, "first_aid")]
        else:
            del self.fields["injury"], self.fields["first_aid"]
        fields += [Field.radios("parent_informed", inline=True), Field("parent_date"),
                   Field.text("parent_time", field_width=5)]
        self.helper = helper(*fields, submit="Record the incident")

    def clean(self):
        data = super().clean()
        data["occurred_at"] = self._instant("date", "time", self.now)
        data["parent_informed_at"] = None
        if data.get("parent_informed"):
            if data.get("parent_date") is None and "parent_date" not in self.errors:
                self.add_error("parent_date", "Enter the date the parent or carer was informed")
            if data.get("parent_time") is None and "parent_time" not in self.errors:
                self.add_error("parent_time", "Enter the time the parent or carer was informed")
            data["parent_informed_at"] = self._instant("parent_date", "parent_time", self.now)
        return data


class ReviewCloseForm(Form):
    targets = long_text_field("Targets agreed at the review", required=True,
                              help_text="Clear targets the pupil, school and provider work to")
    outcome = forms.ChoiceField(label="What is the outcome?", choices=ReviewOutcome.CHOICES, widget=forms.RadioSelect)
    notes = long_text_field("Notes of the review", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(textarea(self, "targets"), Field.radios("outcome"), textarea(self, "notes"),
                             submit="Close the emergency review")


class ConcernForm(_WhenMixin, Form):
    date = date_field("Date it happened or was noticed")
    time = _time_field("Time it happened or was noticed")
    what = long_text_field("What happened or what did you notice?", required=True,
                           help_text="Record the facts and the pupil's own words")
    people = long_text_field("Who was involved, and who have you told?", required=True)
    immediate_action = long_text_field("What immediate action was taken?", required=True)

    def __init__(self, *args, now: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        self.helper = helper(Field("date"), Field.text("time", field_width=5), textarea(self, "what"),
                             textarea(self, "people"), textarea(self, "immediate_action"),
                             submit="Send to the safeguarding leads")

    def clean(self):
        data = super().clean()
        data["occurred_at"] = self._instant("date", "time", self.now)
        return data


class ShareForm(Form):
    person = forms.TypedChoiceField(label="Who should read this concern?", coerce=int, choices=(),
                                    widget=forms.Select(attrs={"class": "govuk-select"}))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Choose a person")] + [
            (m.user_id, f"{m.user.get_full_name() or m.user.email} ({m.user.email}), {m.get_role_display()}, "
                        f"{m.organisation.name}")
            for m in candidates]
        self.helper = helper(Field("person"), submit="Share this concern")


class FormalOpenForm(Form):
    reason = long_text_field("Why is the pupil's progress unsatisfactory?", required=True,
                             help_text="The provider reads this. Do not include health or safeguarding details.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(textarea(self, "reason"), submit="Open a formal review")


class FormalRecordForm(Form):
    held_on = date_field("Date of the formal review meeting")
    school_attendees = long_text_field("Which school leaders attended?", required=True, rows=2)
    pupil_attended = yes_no_field("Did the pupil attend?")
    parents_attended = yes_no_field("Did their parents or carers attend?")
    provider_attended = yes_no_field("Did the provider attend?")
    provider_attendees = long_text_field("Who attended for the provider? (optional)", rows=2)
    outcome = forms.ChoiceField(label="What is the outcome?", choices=FormalReviewOutcome.choices,
                                widget=forms.RadioSelect, error_messages={"required": "Select the outcome"})
    new_targets = long_text_field("Targets agreed at the formal review", required=False,
                                  help_text="Needed unless the placement is to cease")
    notes = long_text_field("Notes of the meeting (optional)")

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.helper = helper(Field("held_on"), textarea(self, "school_attendees", 2),
                             Field.radios("pupil_attended", inline=True), Field.radios("parents_attended", inline=True),
                             Field.radios("provider_attended", inline=True), textarea(self, "provider_attendees", 2),
                             Field.radios("outcome"), textarea(self, "new_targets"), textarea(self, "notes"),
                             submit="Record the formal review")

    def clean(self):
        data = super().clean()
        held = data.get("held_on")
        if held is not None and held > self.today:
            self.add_error("held_on", "The date of the formal review meeting must be today or in the past")
        if data.get("outcome") and data["outcome"] != FormalReviewOutcome.CEASE \
                and not (data.get("new_targets") or "").strip() and "new_targets" not in self.errors:
            self.add_error("new_targets", "Enter the targets agreed at the formal review")
        return data


class CeaseForm(Form):
    ground = forms.ChoiceField(label="Why is the placement ceasing?", choices=CeaseGround.choices,
                               widget=forms.RadioSelect, error_messages={"required": "Select why the placement is ceasing"})
    reason = long_text_field("Give the reason", required=True,
                             help_text="Kept with the school. Do not include safeguarding details: record those in a "
                                       "safeguarding concern.")
    ended_on = date_field("Date the placement ends")
    destination = forms.ChoiceField(label="The pupil's next destination", choices=Destination.choices,
                                    widget=forms.RadioSelect,
                                    error_messages={"required": "Select the pupil's next destination"})
    destination_details = forms.CharField(label="Destination details (optional)", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("ground"), textarea(self, "reason"), Field("ended_on"),
                             Field.radios("destination", small=True), Field.text("destination_details", field_width=20),
                             submit="Cease the placement")
