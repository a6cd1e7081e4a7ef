"""Shared form plumbing: every form renders with the GOV.UK Design System (crispy-forms-gds)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout, Size


def gds_helper(*fields, submit: str, label_size=Size.SMALL) -> FormHelper:
    helper = FormHelper()
    helper.label_size = label_size
    helper.legend_size = label_size
    helper.layout = Layout(*fields, Button("submit", submit))
    return helper


def add_service_errors(form, exc) -> None:
    """Show a service's ValidationError on the form (field errors where they match, else at the top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def posted(request):
    """The submitted data on POST — bound even when empty, so a form with errors (or a confirm form
    with no fields) validates — and None otherwise."""
    return request.POST if request.method == "POST" else None
