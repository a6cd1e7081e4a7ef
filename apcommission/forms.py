"""Shared form plumbing: every form renders with the GOV.UK Design System (crispy-forms-gds)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout, Size


def gds_helper(*fields, submit: str, label_size=Size.SMALL) -> FormHelper:
    helper = FormHelper()
    helper.label_size = label_size
    helper.legend_size = label_size
    helper.layout = Layout(*fields, Button("submit", submit))
    return helper
