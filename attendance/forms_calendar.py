"""Forms for the calendar pages and the school's attendance settings (the GOV.UK kit).

Forms read the answers; attendance.calendar_services checks them against the rest of the calendar
and says which date is wrong (shown through `service_errors`).
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from apcommission.forms import (
    Form,
    ModelForm,
    date_field,
    helper,
    text_input,
    whole_number_field,
    yes_no_field,
    yes_no_initial,
)

from .calendar_services import DAY_KINDS
from .models import AttendanceSettings, NonTeachingDay, TermDates


class TermForm(Form):
    start_date = date_field("First day of term", help_text="For example, 1 9 2026")
    end_date = date_field("Last day of term", help_text="For example, 18 12 2026")
    half_term_start = date_field("First day of half term", required=False,
                                 help_text="Leave the half term dates empty if the term has no half term")
    half_term_end = date_field("Last day of half term", required=False, help_text="For example, 30 10 2026")

    def __init__(self, *args, instance: TermDates | None = None, submit: str = "Save term dates", **kwargs):
        if instance is not None and instance.pk:
            kwargs.setdefault("initial", {name: getattr(instance, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        self.helper = helper("start_date", "end_date", "half_term_start", "half_term_end", submit=submit)


class NonTeachingDayForm(Form):
    date = date_field("Date", help_text="For example, 2 9 2026")
    kind = forms.ChoiceField(label="What kind of day is it?", widget=forms.RadioSelect, choices=[])
    note = forms.CharField(label="Note (optional)", required=False,
                           max_length=NonTeachingDay._meta.get_field("note").max_length,
                           help_text="For example, “Staff training” or “Polling station”", widget=text_input())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = DAY_KINDS.get(organisation.kind, [])
        if len(kinds) > 1:
            self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
            fields = ("date", "kind", "note")
        else:
            del self.fields["kind"]  # a provider records closures only: nothing to choose
            fields = ("date", "note")
        self.helper = helper(*fields, submit="Add the day")


def _limits(model_field) -> tuple[int | None, int | None]:
    """The model's own bounds, so the form says them in its words before the model checks them."""
    low = next((v.limit_value for v in model_field.validators if isinstance(v, MinValueValidator)), None)
    high = next((v.limit_value for v in model_field.validators if isinstance(v, MaxValueValidator)), None)
    return low, high


class AttendanceSettingsForm(ModelForm):
    weekly_summary = yes_no_field("Send the AP lead a weekly attendance summary?",
                                  help_text="An email each week with the attendance of every placement")

    class Meta:
        model = AttendanceSettings
        fields = ["target_percent", "second_step_minutes", "weekly_summary"]
        labels = {
            "target_percent": "Attendance target",
            "second_step_minutes": "Minutes before the DSL and AP lead are told about a missing register",
        }
        help_texts = {
            "target_percent": "A percentage: a placement whose attendance falls below it is flagged, for example 90",
            "second_step_minutes": "Counted from when the register is due. The attendance officer is told at once; "
                                   "from 5 to 240 minutes",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["weekly_summary"] = yes_no_initial(self.instance.weekly_summary)
        for name in ("target_percent", "second_step_minutes"):
            field = self.fields[name]
            low, high = _limits(AttendanceSettings._meta.get_field(name))
            self.fields[name] = whole_number_field(field.label, min_value=low, max_value=high,
                                                   help_text=field.help_text, width=3)
        self.helper = helper("target_percent", "second_step_minutes", "weekly_summary", submit="Save settings")
