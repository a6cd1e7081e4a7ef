"""Forms of the framework pages (GOV.UK kit: apcommission.forms)."""

from __future__ import annotations

from django import forms

from apcommission.forms import Form, helper, long_text_field, text_input, textarea

from .services import CODE_MAX


class FrameworkCopyForm(Form):
    title = forms.CharField(label="Name of your framework", max_length=200, widget=text_input(),
                            help_text="Your copy starts as a draft you can change before publishing it",
                            error_messages={"required": "Enter a name for your framework"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("title", submit="Copy the framework")


class ThemeForm(Form):
    title = forms.CharField(label="Theme", max_length=200, widget=text_input(),
                            help_text="For example, Safeguarding and the wellbeing of children",
                            error_messages={"required": "Enter the theme's title"})

    def __init__(self, *args, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("title", submit=submit)


class StandardForm(Form):
    code = forms.CharField(label="Code", max_length=CODE_MAX, widget=text_input(4),
                           help_text="For example, 1a", error_messages={"required": "Enter the standard's code, like 1a"})
    text = long_text_field("Wording of the standard", required=True, rows=6)

    def __init__(self, *args, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = "Enter the standard's wording"
        self.helper = helper("code", textarea(self, "text", rows=6), submit=submit)
