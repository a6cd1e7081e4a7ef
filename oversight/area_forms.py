"""The filter form of the LA's children-in-AP view (a GET form, the GOV.UK filter pattern)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Hidden, Size
from django import forms

from apcommission.forms import Form, helper, text_input, whole_number_field
from placements.models.choices import RegistrationCode
from providers.models import ListingStatus

from . import area_rules
from .area import UNLISTED, AreaFilters

ANY = [("", "Any")]


class AreaFilterForm(Form):
    q = forms.CharField(label="Search", required=False, max_length=100, widget=text_input(),
                        help_text="Pupil's name or UPN")
    school = forms.TypedChoiceField(label="School", required=False, coerce=int, empty_value=None)
    provider = forms.TypedChoiceField(label="Provider", required=False, coerce=int, empty_value=None)
    approval = forms.ChoiceField(label="Provider's approval status", required=False,
                                 choices=ANY + list(ListingStatus.choices) + [(UNLISTED, "Not in your directory")])
    registration = forms.ChoiceField(label="Registration code", required=False,
                                     choices=ANY + list(RegistrationCode.choices))
    part_time = forms.BooleanField(label="Part-time timetables only", required=False)
    below = forms.BooleanField(label="Attendance this half term below the line", required=False)
    threshold = whole_number_field("Attendance line (%)", required=False, min_value=1, max_value=100,
                                   help_text=f"{area_rules.DEFAULT_THRESHOLD} unless you choose another")
    overdue_visit = forms.BooleanField(label="With an overdue visit", required=False)
    emergency_review = forms.BooleanField(label="In an open emergency review", required=False)

    def __init__(self, *args, schools=(), providers=(), sort: str = "", order: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = ANY + list(schools)
        self.fields["provider"].choices = ANY + list(providers)
        hidden = [Hidden(name, value) for name, value in (("sort", sort), ("order", order)) if value]
        self.helper = helper(
            "q", "school", "provider", "approval", "registration",
            Fieldset(Field.checkbox("part_time", small=True), Field.checkbox("below", small=True), "threshold",
                     Field.checkbox("overdue_visit", small=True), Field.checkbox("emergency_review", small=True),
                     legend="Show only", legend_size=Size.SMALL),
            *hidden, submit="Apply filters", method="get")

    def filters(self, *, sort: str, descending: bool) -> AreaFilters:
        """The filters chosen (none while the form is unbound or invalid)."""
        if not self.is_bound or not self.is_valid():
            return AreaFilters(sort=sort, descending=descending)
        d = self.cleaned_data
        return AreaFilters(
            q=d["q"].strip(), school=d["school"], provider=d["provider"], approval=d["approval"],
            registration=d["registration"], part_time=d["part_time"], below=d["below"],
            threshold=d["threshold"] or area_rules.DEFAULT_THRESHOLD, overdue_visit=d["overdue_visit"],
            emergency_review=d["emergency_review"], sort=sort, descending=descending)
