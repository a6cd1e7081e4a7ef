"""The review meeting form (seed 001 §16 "Review" and "Target setting review"), GOV.UK kit
(apcommission.forms): the meeting, then one group of questions per current target. Everything may
be left blank in a draft; monitoring.reviews says what a submitted meeting needs."""

from __future__ import annotations

from crispy_forms_gds.layout import HTML, Field, Fieldset
from django import forms

from apcommission.forms import (
    Form,
    date_field,
    helper,
    long_text_field,
    textarea,
    yes_no_field,
    yes_no_initial,
)

from .forms import attendance_percent_field
from .review_models import InviteMethod, TargetOutcome
from .reviews import RECORD_FIELDS, target_field

ATTENDED = (("school", "The school"), ("provider", "The provider"), ("pupil", "The pupil"))


class ReviewForm(Form):
    held_on = date_field("Date of the review meeting", required=False)
    attended = forms.MultipleChoiceField(label="Who attended?", choices=ATTENDED, required=False,
                                         widget=forms.CheckboxSelectMultiple, help_text="Select all that apply")
    attendees = long_text_field("Names and roles of those who attended", rows=2)
    parents_invited = yes_no_field("Were the parents or carers invited?", required=False)
    parents_invited_how = forms.ChoiceField(label="If so, how were they invited?", required=False,
                                            choices=InviteMethod.choices, widget=forms.RadioSelect)
    parents_attended = yes_no_field("If so, did they attend?", required=False)
    behaviour = long_text_field("Behaviour")
    attendance_percent = attendance_percent_field()
    attendance_notes = long_text_field("Attendance notes")
    safeguarding_queries = yes_no_field("Were there any safeguarding queries or concerns?", required=False,
                                        help_text="Record the details separately, as a safeguarding concern")
    academic_progress = long_text_field("Progress (academic)")
    comments = long_text_field("Comments")
    next_review_on = date_field("Date of the next review meeting", required=False,
                                help_text="Usually within the next half term. For example, 27 3 2026")

    def __init__(self, *args, targets: list[str], **kwargs):
        """`targets`: the wording of each target the meeting reviews, in order."""
        super().__init__(*args, **kwargs)
        self.targets = targets
        target_sets = []
        for n, wording in enumerate(targets):
            progress, outcome, new = (target_field(n, name) for name in ("progress", "outcome", "new_wording"))
            self.fields[progress] = long_text_field("Progress against this target")
            self.fields[outcome] = forms.ChoiceField(label="What happens to this target?", required=False,
                                                     choices=TargetOutcome.choices, widget=forms.RadioSelect)
            self.fields[new] = long_text_field("New wording (if revised) or the new target (if replaced)")
            target_sets.append(Fieldset(textarea(self, progress), Field.radios(outcome, small=True),
                                        textarea(self, new), legend=f"Target {n + 1}: {wording}"))
        if not targets:
            target_sets.append(HTML('<p class="govuk-body">There are no targets to review: the agreement in force '
                                    'sets none.</p>'))
        self.helper = helper(
            Fieldset("held_on", Field.checkboxes("attended", small=True), textarea(self, "attendees"),
                     legend="The meeting"),
            Fieldset(Field.radios("parents_invited", inline=True), Field.radios("parents_invited_how", small=True),
                     Field.radios("parents_attended", inline=True), legend="Parents and carers"),
            textarea(self, "behaviour"), Field.text("attendance_percent"), textarea(self, "attendance_notes"),
            Field.radios("safeguarding_queries", inline=True),
            *target_sets,
            textarea(self, "academic_progress"), textarea(self, "comments"), "next_review_on",
            submit="Submit the review", secondary=("draft", "Save and come back later"))

    @staticmethod
    def initial_from(meeting, rows) -> dict:
        initial = {name: getattr(meeting, name) for name in RECORD_FIELDS}
        initial["attended"] = [key for key, _ in ATTENDED if getattr(meeting, f"{key}_attended")]
        for name in ("parents_invited", "parents_attended", "safeguarding_queries"):
            initial[name] = yes_no_initial(getattr(meeting, name))
        for row in rows:
            for name in ("progress", "outcome", "new_wording"):
                initial[target_field(row.order, name)] = getattr(row, name)
        return initial

    def values(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in RECORD_FIELDS if name in data}
        attended = set(data.get("attended") or ())
        for key, _ in ATTENDED:
            values[f"{key}_attended"] = key in attended
        values["parents_invited_how"] = data.get("parents_invited_how") or ""
        for name in ("attendees", "behaviour", "attendance_notes", "academic_progress", "comments"):
            values[name] = data.get(name) or ""
        return values

    def target_values(self) -> dict[int, dict]:
        return {n: {name: self.cleaned_data.get(target_field(n, name)) or ""
                    for name in ("progress", "outcome", "new_wording")} for n in range(len(self.targets))}
