"""Forms for taking registers (provider), changing a mark (provider) and telling the provider of an
absence in advance (school). Built from the project's GOV.UK kit (apcommission.forms)."""

from __future__ import annotations

import uuid

from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field
from django import forms

from apcommission.forms import Form, date_field, helper, textarea, whole_number_field

from .models import AbsenceReason, Mark
from .services import (
    CHANGE_REASON_MAX,
    KNOWN_ABSENCE_REASONS,
    MAX_MINUTES_LATE,
    NOTE_MAX,
    MarkInput,
)

MARK_CHOICES = Mark.choices
REASON_CHOICES = [("", "Choose a reason"), *AbsenceReason.choices]


def _minutes_field(label: str = "Minutes late") -> forms.IntegerField:
    return whole_number_field(label, required=False, min_value=1, max_value=MAX_MINUTES_LATE, width=3)


def _reason_field(label: str = "Reason for absence") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=REASON_CHOICES, required=False,
                             widget=forms.Select(attrs={"class": "govuk-select"}))


class RegisterForm(Form):
    """One register: for each pupil (`rows`: attendance.selectors.PupilRow) Present, Late (minutes),
    Absent (reason) or Not required; the client's key makes the submission idempotent.

    Fields per session: `mark_<id>`, `minutes_<id>`, `reason_<id>`. The page lays them out itself
    (templates/attendance/register_row.html) with the project's conditional reveal."""

    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=36)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())
        for row in self.rows:
            pk = row.session.pk
            self.fields[f"mark_{pk}"] = forms.ChoiceField(label=row.name, choices=MARK_CHOICES, required=False,
                                                          widget=forms.RadioSelect)
            self.fields[f"minutes_{pk}"] = _minutes_field(f"Minutes late for {row.name}")
            self.fields[f"reason_{pk}"] = _reason_field(f"Reason {row.name} is absent")
            self.initial.setdefault(f"mark_{pk}", row.initial_mark)
            self.initial.setdefault(f"reason_{pk}", row.initial_reason)
            if row.session.minutes_late:
                self.initial.setdefault(f"minutes_{pk}", row.session.minutes_late)
        self.helper = helper(submit="Submit register")

    def clean(self):
        data = super().clean()
        try:
            data["key"] = uuid.UUID(data.get("key") or "")
        except ValueError:
            self.add_error(None, "Reload the page and submit the register again")
        for row in self.rows:
            pk, name = row.session.pk, row.name
            mark = data.get(f"mark_{pk}")
            if not mark:
                if f"mark_{pk}" not in self.errors:
                    self.add_error(f"mark_{pk}", f"Choose Present, Late, Absent or Not required for {name}")
            elif mark == Mark.LATE and not data.get(f"minutes_{pk}") and f"minutes_{pk}" not in self.errors:
                self.add_error(f"minutes_{pk}", f"Enter how many minutes late {name} was")
            elif mark == Mark.ABSENT and not data.get(f"reason_{pk}"):
                self.add_error(f"reason_{pk}", f"Choose the reason {name} is absent")
        return data

    def bound_rows(self):
        """(row, mark field, minutes field, reason field) for the page."""
        for row in self.rows:
            pk = row.session.pk
            yield row, self[f"mark_{pk}"], self[f"minutes_{pk}"], self[f"reason_{pk}"]

    def marks(self) -> list[MarkInput]:
        data = self.cleaned_data
        return [MarkInput(session_id=row.session.pk, mark=data[f"mark_{row.session.pk}"],
                          minutes_late=data.get(f"minutes_{row.session.pk}"),
                          absence_reason=data.get(f"reason_{row.session.pk}") or "")
                for row in self.rows]

    @staticmethod
    def everyone_present(rows) -> dict:
        """Initial answers for "Mark everyone present" (its no-JavaScript path): Present for every
        pupil, except those already marked or known to be absent, who keep that."""
        initial = {}
        for row in rows:
            pk = row.session.pk
            initial[f"mark_{pk}"] = row.initial_mark or Mark.PRESENT
            initial[f"reason_{pk}"] = row.initial_reason
        return initial


class MarkChangeForm(Form):
    """Change one pupil's mark after the register was submitted, with the reason (kept in the history)."""

    mark = forms.ChoiceField(label="New mark", choices=MARK_CHOICES, widget=forms.RadioSelect)
    minutes_late = _minutes_field()
    absence_reason = _reason_field()
    reason = forms.CharField(label="Why the mark changed", max_length=CHANGE_REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="For example, arrived after the register was taken; the school phoned")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(MARK_CHOICES)
        self.helper = helper(
            ConditionalRadios("mark", labels[Mark.PRESENT],
                              ConditionalQuestion(labels[Mark.LATE], Field.text("minutes_late")),
                              ConditionalQuestion(labels[Mark.ABSENT], Field.select("absence_reason")),
                              labels[Mark.NOT_REQUIRED]),
            textarea(self, "reason", 3),
            submit="Change the mark")

    def clean(self):
        data = super().clean()
        mark = data.get("mark")
        if mark == Mark.LATE and not data.get("minutes_late") and "minutes_late" not in self.errors:
            self.add_error("minutes_late", "Enter how many minutes late the pupil was")
        if mark == Mark.ABSENT and not data.get("absence_reason"):
            self.add_error("absence_reason", "Choose the reason for the absence")
        return data

    def mark_input(self, session_id: int) -> MarkInput:
        data = self.cleaned_data
        return MarkInput(session_id=session_id, mark=data["mark"], minutes_late=data.get("minutes_late"),
                         absence_reason=data.get("absence_reason") or "")


# How the school reads the provider's reasons when it tells the provider in advance.
SCHOOL_REASON_LABELS = {AbsenceReason.SCHOOL_KNOWN: "Another reason the school has agreed"}


class KnownAbsenceForm(Form):
    """The school tells the provider in advance that the pupil will be absent."""

    first_date = date_field("First day absent")
    last_date = date_field("Last day absent", help_text="The same as the first day for one day")
    reason = forms.ChoiceField(label="Reason", choices=[(r.value, SCHOOL_REASON_LABELS.get(r, r.label))
                                                        for r in KNOWN_ABSENCE_REASONS],
                               widget=forms.RadioSelect)
    note = forms.CharField(label="What the provider needs to know (optional)", max_length=NOTE_MAX,
                           required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="No medical details: the provider only needs to know not to expect the pupil")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field("first_date"), Field("last_date"), Field.radios("reason"), textarea(self, "note", 3),
            submit="Tell the provider")
