"""Forms of the QA visit pages (GOV.UK kit: apcommission.forms). Nothing here is required except
what scheduling and completing need: a visit in progress saves whatever has been answered."""

from __future__ import annotations

from crispy_forms_gds.layout import Field
from django import forms

from apcommission.forms import Form, date_field, helper, long_text_field, text_input, textarea

from .models import Outcome, VisitState
from .rules import scale_codes


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return getattr(obj, "full_name", "") or obj.email


class VisitFilterForm(Form):
    state = forms.ChoiceField(label="State", required=False, choices=[("", "Any state"), *VisitState.choices])
    provider = forms.ModelChoiceField(label="Provider", queryset=None, required=False, empty_label="Any provider")

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.helper = helper(Field.select("state"), Field.select("provider"), submit="Apply filters", method="get")


class ScheduleForm(Form):
    provider = forms.ModelChoiceField(label="Provider", queryset=None, empty_label="Choose a provider",
                                      help_text="Providers your local authority lists in its directory",
                                      error_messages={"required": "Select the provider you are visiting"})
    framework = forms.ModelChoiceField(label="Framework", queryset=None, empty_label="Choose a framework",
                                       help_text="The visit uses the framework's latest published version",
                                       error_messages={"required": "Select the framework to judge the provider against"})
    scheduled_for = date_field("Date of the visit")
    owner_representative = _PersonChoice(label="Who is visiting", queryset=None, empty_label="Choose a person",
                                         error_messages={"required": "Select who is visiting"})
    provider_representative = forms.CharField(label="Provider's representative (optional)", required=False,
                                              max_length=200, widget=text_input(20))

    def __init__(self, *args, providers, staff, frameworks=None, provider_help: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Framework

        self.fields["provider"].queryset = providers
        if provider_help:
            self.fields["provider"].help_text = provider_help
        self.fields["framework"].queryset = frameworks if frameworks is not None else Framework.objects.none()
        self.fields["owner_representative"].queryset = staff
        self.helper = helper(Field.select("provider"), Field.select("framework"), "scheduled_for",
                             Field.select("owner_representative"), "provider_representative",
                             submit="Schedule the visit")


OVERVIEW_LABELS = {
    "overview": "Overview of the provider and the provision it offers",
    "placement_lengths": "Lengths of placement offered",
    "courses": "Courses and programmes, with their expected outcomes",
    "contact_details": "Contact details",
}
SAVE_LATER = ("later", "Save and come back later")


class OverviewForm(Form):
    """The first page of seed 001 §18 (pre-filled from the provider's pack when the visit starts)."""

    overview = long_text_field(OVERVIEW_LABELS["overview"], rows=5)
    placement_lengths = long_text_field(OVERVIEW_LABELS["placement_lengths"],
                                        help_text="Up to 12 weeks full time; longer-term part time, up to 2 days a week")
    courses = long_text_field(OVERVIEW_LABELS["courses"], help_text="One a line: course, then its expected outcome")
    contact_details = long_text_field(OVERVIEW_LABELS["contact_details"],
                                      help_text="Name of the provider, address, telephone, email and website")
    dsl = forms.CharField(label="Designated safeguarding lead", required=False, max_length=200,
                          help_text="Name, telephone and email", widget=text_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(textarea(self, "overview", rows=5), textarea(self, "placement_lengths"),
                             textarea(self, "courses"), textarea(self, "contact_details"), "dsl",
                             submit="Save and continue", secondary=SAVE_LATER)

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class ThemeForm(Form):
    """One theme: a judgement (radios of the version's scale) and evidence for each standard, and the
    theme's comments. Any of them may be left blank until the visit is completed."""

    def __init__(self, *args, standards=(), scale=(), autosave_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.standards = list(standards)
        labels = {level["code"]: level["label"] for level in scale}
        choices = [(code, labels[code]) for code in scale_codes(scale)]
        layout = []
        for standard in self.standards:
            level, evidence = f"level_{standard.pk}", f"evidence_{standard.pk}"
            self.fields[level] = forms.ChoiceField(
                label=f"{standard.code}. {standard.text}", choices=choices, required=False, widget=forms.RadioSelect,
                error_messages={"invalid_choice": f"Choose a judgement for standard {standard.code} from the list"})
            self.fields[evidence] = long_text_field(f"Evidence for {standard.code}")
            layout += [Field.radios(level, small=True), textarea(self, evidence)]
        self.fields["comment"] = long_text_field("Comments on this theme", rows=4)
        layout.append(textarea(self, "comment", rows=4))
        self.helper = helper(*layout, submit="Save and continue", secondary=SAVE_LATER)
        if autosave_url:  # static/src/qa-autosave.js posts the form there while the officer types
            self.helper.attrs = {"data-autosave-url": autosave_url}

    def judgements(self) -> dict:
        return {s.pk: {"level": self.cleaned_data.get(f"level_{s.pk}") or "",
                       "evidence": self.cleaned_data.get(f"evidence_{s.pk}") or ""} for s in self.standards}

    @staticmethod
    def initial_from(rows, comment: str) -> dict:
        initial = {"comment": comment}
        for row in rows:
            initial[f"level_{row.standard_id}"] = row.level
            initial[f"evidence_{row.standard_id}"] = row.evidence
        return initial


class OutcomeForm(Form):
    outcome = forms.ChoiceField(label="What is the outcome of the visit?", choices=Outcome.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": "Select the outcome of the visit"})
    outcome_reason = long_text_field("If it differs from the suggested outcome, why?",
                                     help_text="Needed when you choose another outcome than the suggestion")

    def __init__(self, *args, suggested: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if suggested:
            self.fields["outcome"].help_text = f"Suggested from the judgements: {Outcome(suggested).label}"
        self.helper = helper(Field.radios("outcome", small=True), textarea(self, "outcome_reason"),
                             submit="Complete the visit")
