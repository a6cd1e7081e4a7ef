"""Forms of the termly report and weekly behaviour update pages (GOV.UK kit: apcommission.forms)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset

from apcommission.forms import Form, helper, long_text_field, textarea

from .forms import attendance_percent_field
from .reports_services import RECORD_FIELDS

TEXTS = ("attendance_commentary", "punctuality", "attitude", "engagement", "behaviour", "skills_covered",
         "qualification_progress", "next_targets", "other_comments")


class ReportForm(Form):
    """The termly report (seeds 000 §5, 004). Everything may be left blank in a draft; the service
    says what a submitted report needs (commentary when attendance is below 100 %)."""

    attendance_percent = attendance_percent_field(
        "Attendance this term (%)", help_text="Filled in from your registers this term; change it if you need to")
    attendance_commentary = long_text_field("Commentary on attendance",
                                            help_text="Needed when attendance is below 100%")
    punctuality = long_text_field("Punctuality")
    attitude = long_text_field("Attitude to learning")
    engagement = long_text_field("Engagement")
    behaviour = long_text_field("Behaviour")
    skills_covered = long_text_field("Brief summary of skills covered this term")
    qualification_progress = long_text_field("Progress towards the qualification")
    next_targets = long_text_field("Targets for next term")
    other_comments = long_text_field("Any other comments")

    def __init__(self, *args, targets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        for i, target in enumerate(targets):
            self.fields[f"target_{i}"] = long_text_field(f"Progress against target {i + 1}", help_text=target)
        target_layout = ([Fieldset(*[textarea(self, f"target_{i}") for i in range(len(targets))],
                                   legend="Progress against the agreement's targets")] if targets else [])
        self.helper = helper(
            Fieldset(Field.text("attendance_percent"), textarea(self, "attendance_commentary"),
                     textarea(self, "punctuality"), legend="Attendance"),
            Fieldset(textarea(self, "attitude"), textarea(self, "engagement"), textarea(self, "behaviour"),
                     legend="Learning and behaviour"),
            Fieldset(textarea(self, "skills_covered"), textarea(self, "qualification_progress"),
                     legend="Progress"),
            *target_layout,
            textarea(self, "next_targets"), textarea(self, "other_comments"),
            submit="Submit the termly report", secondary=("draft", "Save and come back later"))

    @staticmethod
    def initial_from(report) -> dict:
        initial = {name: getattr(report, name) for name in RECORD_FIELDS}
        for i, row in enumerate(report.target_progress):
            initial[f"target_{i}"] = row.get("progress", "")
        return initial

    def values(self) -> dict:
        values = {name: self.cleaned_data.get(name) for name in RECORD_FIELDS}
        values["target_progress"] = [(target, self.cleaned_data.get(f"target_{i}", ""))
                                     for i, target in enumerate(self.targets)]
        return values


class AcknowledgeForm(Form):
    comment = long_text_field("Comment (optional)", help_text="The provider reads it")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(textarea(self, "comment"), submit="Acknowledge the report")


class BehaviourUpdateForm(Form):
    text = long_text_field("Behaviour and attitude this week", required=True,
                           help_text="A short update for the school: what went well, what did not, what you did")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(textarea(self, "text", rows=5), submit="Send the update")
