"""The one GOV.UK form kit: every form in the service is built from these pieces (crispy-forms-gds).

- `Form` / `ModelForm`: base classes whose fields always carry GOV.UK error messages that name the
  field and say how to fix it (never Django's "This field is required."), and whose number inputs
  are text inputs with an `inputmode` (the GOV.UK pattern, not `type=number`).
- `date_field` / `DateField`: the one day/month/year date input ("Enter the date of birth",
  "Date of birth must include a month", "Date of birth must be a real date").
- `yes_no_field`, `whole_number_field`, `hours_field`, `money_field`, `text_input`, `textarea`.
- `helper(...)`: the FormHelper builder (buttons in a GOV.UK button group).
- `render_form_page(...)`: the one question page (`templates/form_page.html`).
- `service_errors(form)` / `add_service_errors(form, exc)`: a refused service or lifecycle
  transition (ValidationError, PermissionDenied, apcommission.errors.Refusal such as the lifecycle's
  TransitionError) becomes an error summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Field, Layout, Size
from django import forms
from django.core import validators as dj_validators
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render

from apcommission.errors import Refusal

YES_NO = [("yes", "Yes"), ("no", "No")]
_DEFAULT_REQUIRED = str(forms.Field.default_error_messages["required"])
_ARTICLES = ("the ", "a ", "an ", "your ", "their ", "his ", "her ", "its ", "any ", "how ", "what ", "which ",
             "who ", "why ", "when ", "where ")
_VERBS = ("upload ", "select ", "enter ", "choose ", "confirm ", "type ", "give ")


# --- Wording -------------------------------------------------------------------------------

def lower_first(label: str) -> str:
    """'Date of birth' -> 'date of birth'; acronyms ('DBS certificate', 'UPN') and 'I' stay as they are."""
    label = str(label)
    if not label or (len(label) > 1 and (label[1].isupper() or label[:2] == "I ")):
        return label
    return label[0].lower() + label[1:]


def _plain(label) -> str:
    text = str(label or "").strip()
    for suffix in (" (optional)", "(optional)"):
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
    return text.rstrip(":").strip()


def the_label(label) -> str:
    """The label as the object of a sentence: 'Full name' -> 'the full name', 'Your role' -> 'your role'."""
    text = lower_first(_plain(label))
    return text if text.lower().startswith(_ARTICLES) else f"the {text}"


def _is_question(label) -> bool:
    return _plain(label).endswith("?")


def _is_choice(field: forms.Field) -> bool:
    return isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)) or isinstance(
        field.widget, (forms.RadioSelect, forms.Select, forms.CheckboxSelectMultiple))


def required_message(field: forms.Field, name: str = "") -> str:
    """A GOV.UK 'required' message derived from the field's label."""
    label = _plain(field.label or name.replace("_", " ").capitalize())
    if isinstance(field, DateInputField):
        return f"Enter {the_label(label)}"
    if isinstance(field, forms.BooleanField):
        return f"Select the box to confirm: {lower_first(label)}" if not label.lower().startswith("i ") \
            else f"Select the box: {label}"
    if _is_question(label):
        return f"Select an answer to: {lower_first(label)}" if _is_choice(field) \
            else f"Answer the question: {lower_first(label)}"
    if label.lower().startswith(_VERBS):
        return label
    if isinstance(field, forms.FileField):
        return f"Choose {the_label(label)}"
    if isinstance(field, forms.MultipleChoiceField):
        return f"Select at least one option for {the_label(label)}"
    if _is_choice(field):
        return f"Select {the_label(label)}"
    return f"Enter {the_label(label)}"


def _default(message, code: str, klass) -> bool:
    for cls in klass.__mro__:
        defaults = getattr(cls, "default_error_messages", {})
        if code in defaults:
            return str(message) == str(defaults[code])
    return False


def _sentence(label, name: str) -> str:
    """How a message names the field: "The answer to ‘…?’" for a question, else its label."""
    label = _plain(label or name.replace("_", " ").capitalize())
    return (f"The answer to ‘{label}’" if _is_question(label)
            else label[0].upper() + label[1:] if label else name)


def govuk_messages(form: forms.BaseForm) -> None:
    """Replace Django's generic messages on every field of `form` with ones that name the field."""
    for name, field in form.fields.items():
        label = _plain(field.label or name.replace("_", " ").capitalize())
        sentence = _sentence(field.label, name)
        # Messages with %(limit_value)s are %-formatted by Django: a label's own "%" must be escaped.
        escaped = sentence.replace("%", "%%")
        msgs = field.error_messages
        if str(msgs.get("required", "")) == _DEFAULT_REQUIRED:
            msgs["required"] = required_message(field, name)
        wording = {
            "invalid": (f"{sentence} must be a whole number" if isinstance(field, forms.IntegerField)
                        else f"{sentence} must be a number" if isinstance(field, (forms.DecimalField, forms.FloatField))
                        else f"Enter {the_label(label)} in the correct format, like name@example.org"
                        if isinstance(field, forms.EmailField)
                        else f"Enter {the_label(label)} as a time, like 09:30" if isinstance(field, forms.TimeField)
                        else f"Enter {the_label(label)} in the correct format"),
            "invalid_choice": f"Select {the_label(label)} from the list",
            "invalid_list": f"Select {the_label(label)} from the list",
            "invalid_pk_value": f"Select {the_label(label)} from the list",
            "max_value": f"{escaped} must be %(limit_value)s or less",
            "min_value": f"{escaped} must be %(limit_value)s or more",
            "max_decimal_places": f"{escaped} must have no more than %(max)s decimal places",
            "max_digits": f"{escaped} must be shorter: no more than %(max)s digits",
            "max_whole_digits": f"{sentence} is too large",
            "step_size": f"{escaped} must be a multiple of %(limit_value)s",
            "empty": f"The file you chose for {the_label(label)} is empty",
            "missing": f"Choose a file for {the_label(label)}",
        }
        for code, text in wording.items():
            if code in msgs and _default(msgs[code], code, type(field)):
                msgs[code] = text
        field.validators = [_named_validator(v, escaped) for v in field.validators]


def _named_validator(validator, sentence: str):
    if type(validator) is dj_validators.MaxLengthValidator and validator.message == dj_validators.MaxLengthValidator.message:
        return dj_validators.MaxLengthValidator(validator.limit_value, f"{sentence} must be %(limit_value)d characters or fewer")
    if type(validator) is dj_validators.MinLengthValidator and validator.message == dj_validators.MinLengthValidator.message:
        return dj_validators.MinLengthValidator(validator.limit_value, f"{sentence} must be %(limit_value)d characters or more")
    for klass, word in ((dj_validators.MaxValueValidator, "or less"), (dj_validators.MinValueValidator, "or more")):
        if type(validator) is klass and validator.message == klass.message:
            return klass(validator.limit_value, f"{sentence} must be %(limit_value)s {word}")
    return validator


def _text_number_widgets(form: forms.BaseForm) -> None:
    """GOV.UK asks for text inputs with an inputmode, not `type=number` (which mangles and rounds)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.NumberInput):
            whole = isinstance(field, forms.IntegerField)
            width = widget.attrs.get("class", "")
            field.widget = text_input(4 if whole else 5, "numeric" if whole else "decimal",
                                      **{k: v for k, v in widget.attrs.items() if k not in ("class", "step", "min", "max")})
            if width and "govuk-input--width" in width:
                field.widget.attrs["class"] = "govuk-input " + width.replace("govuk-input ", "")


class GovukFormMixin:
    """GOV.UK wording and inputs for every field, including fields added in a subclass's __init__."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _text_number_widgets(self)

    def full_clean(self):
        govuk_messages(self)
        super().full_clean()


class Form(GovukFormMixin, forms.Form):
    pass


class ModelForm(GovukFormMixin, forms.ModelForm):
    pass


# --- Fields --------------------------------------------------------------------------------

class DateField(DateInputField):
    """The one GOV.UK date input (day, month, year), with messages that say which date and what is wrong."""

    def __init__(self, *, label: str, required: bool = True, help_text: str = "", **kwargs):
        kwargs.setdefault("require_all_fields", False)
        super().__init__(label=label, required=required, help_text=help_text, **kwargs)
        self.set_label(label)

    def set_label(self, label: str) -> None:
        self.label = label
        name = _plain(label)
        self.error_messages = {**self.error_messages, "required": f"Enter {the_label(name)}",
                               "incomplete": f"Enter {the_label(name)}",
                               "invalid": f"{name} must be a real date"}
        for part, field in zip(("day", "month", "year"), self.fields, strict=True):
            field.error_messages = {**field.error_messages, "incomplete": f"{name} must include a {part}"}
            field.validators = [dj_validators.RegexValidator(r"^\s*[0-9]+\s*$", f"{name} must be a real date")]

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.set_label(result.label)  # a form may relabel the copy; keep the messages in step
        return result

    def clean(self, value):
        self.set_label(self.label)
        return super().clean(value)

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = dt.date(int(year), int(month), int(day))
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not 1900 <= value.year <= 2100:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def date_field(label: str, *, required: bool = True, help_text: str = "For example, 27 3 2026") -> DateField:
    return DateField(label=label, required=required, help_text=help_text)


def _yes(value) -> bool:
    return value == "yes"


def yes_no_field(label: str, *, required: bool = True, help_text: str = "", error: str = "") -> forms.TypedChoiceField:
    """Yes/No radios that clean to True/False (None when not answered)."""
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, required=required, help_text=help_text,
        coerce=_yes, empty_value=None,
        error_messages={"required": error or f"Select yes or no: {lower_first(_plain(label))}"},
    )


def yes_no_initial(value):
    """A stored True/False/None as the yes/no field's initial value."""
    return {True: "yes", False: "no"}.get(value)


LONG_TEXT_MAX = 5000  # characters: room for a full answer, and a GOV.UK character count to say so


def long_text_field(label: str, *, required: bool = False, help_text: str = "", max_length: int | None = LONG_TEXT_MAX,
                    rows: int = 4) -> forms.CharField:
    """A textarea question (lay it out with `textarea(form, name)` for the character count)."""
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}),
                           help_text=help_text, max_length=max_length)


def text_input(width: int | None = None, inputmode: str | None = None, **attrs) -> forms.TextInput:
    css = "govuk-input" + (f" govuk-input--width-{width}" if width else "")
    if inputmode:
        attrs["inputmode"] = inputmode
    return forms.TextInput(attrs={"class": css, **attrs})


def whole_number_field(label: str, *, required: bool = True, min_value: int | None = 0, max_value: int | None = None,
                       help_text: str = "", width: int = 4) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, min_value=min_value, max_value=max_value,
                              help_text=help_text, widget=text_input(width, "numeric"))


def hours_field(label: str, *, required: bool = True, max_value=None, help_text: str = "For example, 12.5") -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, min_value=Decimal(0), max_value=max_value,
                              decimal_places=1, help_text=help_text, widget=text_input(4, "decimal"),
                              error_messages={"invalid": f"Enter {the_label(label)} as a number of hours, like 12.5"})


def money_field(label: str, *, required: bool = True, help_text: str = "In pounds, for example 45 or 45.50") -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, min_value=Decimal(0), decimal_places=2, max_digits=10,
                              help_text=help_text, widget=text_input(5, "decimal"),
                              error_messages={"invalid": f"Enter {the_label(label)} in pounds, like 45 or 45.50"})


def textarea(form: forms.BaseForm, name: str, rows: int = 3) -> Field:
    """A textarea layout item; a GOV.UK character count where the field has a maximum length."""
    field = form.fields[name]
    limit = getattr(field, "max_length", None)
    if not limit:
        # Every free-text answer has a limit, and a character count to say so (GOV.UK pattern).
        limit = field.max_length = LONG_TEXT_MAX
        field.validators.append(_named_validator(dj_validators.MaxLengthValidator(limit), _sentence(field.label, name)))
    field.widget.attrs.pop("maxlength", None)  # the character count tells; the browser must not cut text off
    if not field.help_text:
        # crispy-forms-gds 2.0.1 reads aria-describedby before setting it when there is no hint.
        field.widget.attrs.setdefault("aria-describedby", "")
    return Field.textarea(name, rows=rows, max_characters=limit)


def helper(*fields, submit: str = "Continue", secondary: tuple[str, str] | None = None,
           label_size=Size.SMALL, method: str = "post") -> FormHelper:
    """The FormHelper for a GOV.UK question page: small labels, the buttons in a button group."""
    h = FormHelper()
    h.form_method = method
    h.label_size = label_size
    h.legend_size = label_size
    buttons = [Button("submit", submit)]
    if secondary:
        buttons.append(Button.secondary(*secondary))
    h.layout = Layout(*fields, Div(*buttons, css_class="govuk-button-group"))
    return h


def gds_helper(*fields, submit: str, label_size=Size.SMALL) -> FormHelper:
    """Kept for forms outside the kit's apps (accounts, tenancy): a single submit button."""
    h = FormHelper()
    h.label_size = label_size
    h.legend_size = label_size
    h.layout = Layout(*fields, Button("submit", submit))
    return h


class SubmitForm(Form):
    """A confirmation page: no questions, one button (refusals still show in the error summary)."""

    def __init__(self, *args, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(submit=submit)


# --- Refusals become messages --------------------------------------------------------------

def _messages_of(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    if getattr(exc, "problems", None):
        return [str(p) for p in exc.problems]
    text = str(exc).strip()
    if isinstance(exc, PermissionDenied):
        return [text or "Your role does not allow this"]
    return [text or "This could not be done"]


def add_service_errors(form, exc) -> None:
    """Show a refusal on the form: a ValidationError's field errors where they match a field, the rest
    (and every lifecycle or permission refusal) at the top of the error summary."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return
    for message in _messages_of(exc):
        form.add_error(None, message)


REFUSALS = (ValidationError, PermissionDenied, Refusal)


@contextmanager
def service_errors(form) -> Iterator[None]:
    """`with service_errors(form): services.x(...)` — a refusal becomes errors on `form`, never a 500.
    Check `form.errors` (or `form.is_valid()`) afterwards to know whether the service ran."""
    try:
        yield
    except REFUSALS as exc:
        add_service_errors(form, exc)


def run_service(form, call) -> bool:
    """Run `call()`; True when it succeeded, False when it was refused (the reasons are on `form`)."""
    with service_errors(form):
        call()
        return True
    return False


def posted(request):
    """The submitted data on POST — bound even when empty, so a form with errors (or a confirm form
    with no fields) validates — and None otherwise."""
    return request.POST if request.method == "POST" else None


# --- The one form page ---------------------------------------------------------------------

def render_form_page(request, form, *, title: str, back_url: str = "", back_label: str = "Back", caption: str = "",
                     intro: str | Sequence[str] = "", warning: str = "", status: int = 200,
                     template: str = "form_page.html", **extra):
    """A GOV.UK question page: back link, error summary, caption, heading, intro, the form.
    `status`: 200 unless given (a lifecycle page answers 400 when a transition was refused)."""
    paragraphs = [intro] if isinstance(intro, str) else list(intro)
    return render(request, template, {
        "form": form, "title": title, "back_url": back_url, "back_label": back_label, "caption": caption,
        "intro_paragraphs": [p for p in paragraphs if p], "warning": warning, **extra,
    }, status=status)
