"""Issue 10's acceptance for forms, over EVERY form class in the project (found by walking the apps,
so a new form is covered without touching this file):

- a date field with an invalid date: the error summary links to the Day input as rendered, and the
  message names the date ("Date of birth must be a real date");
- a form submitted empty, or with nonsense in every field: no rendered error is Django's generic
  "This field is required." (or another of its generic messages); each names what to fix.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from crispy_forms_gds.fields import DateInputField
from django import forms
from django.template import Context, Template

from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope

APPS = ("apcommission", "accounts", "tenancy", "notifications", "slas", "providers", "placements", "attendance", "monitoring",
        "safeguarding",
        "qa_framework", "api", "demo", "finance", "exams", "oversight")
SKIP = {"migrations", "management", "tests", "settings"}
ABSTRACT = {"apcommission.forms.Form", "apcommission.forms.ModelForm", "placements.forms.referrals.StepForm"}
TODAY = dt.date(2026, 11, 25)


def _modules():
    for app in APPS:
        try:
            package = importlib.import_module(app)
        except ImportError:
            continue
        yield package
        for info in pkgutil.walk_packages(getattr(package, "__path__", []), prefix=f"{app}."):
            if SKIP & set(info.name.split(".")):
                continue
            yield importlib.import_module(info.name)


def project_forms() -> list[type[forms.BaseForm]]:
    found = {}
    for module in _modules():
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                name = f"{obj.__module__}.{obj.__qualname__}"
                if name not in ABSTRACT:
                    found[name] = obj
    return [found[name] for name in sorted(found)]


FORMS = project_forms()
IDS = [f"{cls.__module__}.{cls.__qualname__}" for cls in FORMS]


def _kwargs(cls, world) -> dict:
    """What each form's constructor needs (keyword-only arguments without a default)."""
    from django.contrib.auth import get_user_model

    from placements.models import CommissioningAgreement, Pupil, Referral
    from slas.models import ServiceLevelAgreement
    from tenancy.models import Organisation

    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    table = {
        "submit": lambda: "Continue",
        "organisation": lambda: school,
        "invitation": lambda: SimpleNamespace(full_name="Sam Taylor", email="sam@example.org"),
        "school": lambda: school,
        "today": lambda: TODAY,
        "answers": lambda: {},
        "pupils": lambda: Pupil.objects.all(),
        "providers": lambda: Organisation.objects.filter(kind=K.PROVIDER),
        "referral": lambda: Referral(),
        "staff": lambda: get_user_model().objects.all(),
        "now": lambda: dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC),
        "targets": lambda: ["Attend 95% of sessions"],
        "kind": lambda: "accident",
        "slas": lambda: ServiceLevelAgreement.objects.all(),
    }
    needed = []
    for klass in cls.__mro__:  # a subclass's __init__(*args, **kwargs) passes its parents' arguments on
        if "__init__" in vars(klass) and klass.__module__.split(".")[0] in APPS:
            needed += [p.name for p in inspect.signature(klass.__init__).parameters.values()
                       if p.kind == p.KEYWORD_ONLY and p.default is p.empty and p.name not in needed]
    missing = [name for name in needed if name not in table]
    assert not missing, f"{cls.__qualname__} needs {missing}: add them to the fixture table in {__name__}"
    kwargs = {name: table[name]() for name in needed}
    if issubclass(cls, forms.ModelForm):
        model = cls._meta.model
        if model is ServiceLevelAgreement:
            kwargs["instance"] = ServiceLevelAgreement(school=school, provider=provider)
        elif model is CommissioningAgreement:
            kwargs["instance"] = CommissioningAgreement(version=1)
    return kwargs


def _render(form) -> str:
    """The form as its page renders it: the GOV.UK error summary, then the crispy form."""
    return Template("{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}").render(
        Context({"form": form}))


def _date_fields(cls, world) -> list[str]:
    form = cls(**_kwargs(cls, world))
    return [name for name, field in form.fields.items() if isinstance(field, DateInputField)]


def _summary_links(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {" ".join(a.get_text(" ").split()): a["href"] for a in soup.select(".govuk-error-summary a")}


def _day_input_id(html: str, form, name: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    wrapper = soup.find(id=form[name].auto_id)
    assert wrapper is not None and "govuk-date-input" in wrapper.get("class", []), f"no date input for {name}"
    return wrapper.select("input")[0]["id"]


@pytest.fixture
def school_scope(module_world):
    world = module_world
    with scope(organisation=world.org(K.SCHOOL)):
        yield world


def test_the_walk_finds_forms_of_every_kit_app():
    modules = {cls.__module__.split(".")[0] for cls in FORMS}
    assert {"placements", "providers", "slas", "accounts"} <= modules
    assert any(issubclass(cls, forms.ModelForm) for cls in FORMS)


@pytest.mark.parametrize("cls", FORMS, ids=IDS)
def test_a_date_error_links_to_the_day_input_and_names_the_date(cls, school_scope):
    world = school_scope
    for name in _date_fields(cls, world):
        data = {f"{name}_0": "31", f"{name}_1": "2", f"{name}_2": "2026"}  # 31 February: not a real date
        form = cls(data, **_kwargs(cls, world))
        assert not form.is_valid()
        label = str(form.fields[name].label)
        messages = form.errors[name]
        assert messages == [f"{label} must be a real date"], (name, messages)
        html = _render(form)
        links = _summary_links(html)
        assert links.get(messages[0]) == "#" + _day_input_id(html, form, name), (name, links)


@pytest.mark.parametrize("cls", FORMS, ids=IDS)
def test_a_missing_required_date_says_which_date(cls, school_scope):
    world = school_scope
    for name in _date_fields(cls, world):
        form = cls({}, **_kwargs(cls, world))
        form.is_valid()
        if name not in form.errors:
            continue  # optional, or not asked on an empty form
        html = _render(form)
        label = str(form.fields[name].label).lower()
        for message in form.errors[name]:
            assert label.split(" (")[0] in message.lower(), (name, message)
            assert _summary_links(html).get(message) == "#" + _day_input_id(html, form, name)


GENERIC = {str(message) for cls in (forms.Field, forms.CharField, forms.IntegerField, forms.DecimalField,
                                    forms.FloatField, forms.EmailField, forms.URLField, forms.DateField,
                                    forms.TimeField, forms.BooleanField, forms.ChoiceField, forms.FileField,
                                    forms.MultipleChoiceField, forms.ModelChoiceField, forms.MultiValueField)
           for message in getattr(cls, "default_error_messages", {}).values() if "%(" not in str(message)}


def _nonsense(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.MultiValueField):
            data.update({f"{name}_{i}": "zz" for i in range(len(field.fields))})
        elif isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
            data[name] = ["not-a-choice"]
        else:
            data[name] = "zz" * 200
    return data


@pytest.mark.parametrize("cls", FORMS, ids=IDS)
def test_no_error_is_a_generic_django_message(cls, school_scope):
    world = school_scope
    blank = cls(**_kwargs(cls, world))
    for data in ({}, _nonsense(blank)):
        form = cls(data, **_kwargs(cls, world))
        form.is_valid()
        html = _render(form)
        assert "This field is required." not in html
        rendered = [str(e) for errors in form.errors.values() for e in errors]
        generic = [e for e in rendered if e in GENERIC or re.fullmatch(r"Ensure this value .*", e)]
        assert not generic, f"{cls.__qualname__}: {generic}"


@pytest.mark.parametrize("cls", FORMS, ids=IDS)
def test_no_django_placeholder_and_no_single_option_radio_group(cls, school_scope):
    """GOV.UK patterns (issue 10): a select never offers Django's "---------", and a radio group
    always offers a choice (a single option is a checkbox or no question at all)."""
    world = school_scope
    html = BeautifulSoup(_render(cls(**_kwargs(cls, world))), "html.parser")
    options = [o.get_text(strip=True) for o in html.select("select option")]
    assert "---------" not in options, cls.__qualname__
    groups: dict[str, int] = {}
    for radio in html.select("input[type=radio]"):
        groups[radio["name"]] = groups.get(radio["name"], 0) + 1
    single = [name for name, count in groups.items() if count < 2]
    assert not single, f"{cls.__qualname__}: radio groups with one option: {single}"


@pytest.mark.parametrize("cls", FORMS, ids=IDS)
def test_every_textarea_has_a_character_count(cls, school_scope):
    """Every free-text answer has a limit, and the GOV.UK character count says so (issue 10)."""
    world = school_scope
    html = BeautifulSoup(_render(cls(**_kwargs(cls, world))), "html.parser")
    uncounted = [t["name"] for t in html.select("textarea")
                 if not t.find_parent(attrs={"data-module": "govuk-character-count"})]
    assert not uncounted, f"{cls.__qualname__}: textareas without a character count: {uncounted}"


def test_a_label_with_a_percent_sign_gets_its_limit_message_not_a_server_error():
    """"Attendance target (%)" used to crash the min/max messages (Django %-formats them)."""
    from django import forms

    from apcommission.forms import Form

    class TargetForm(Form):
        target = forms.IntegerField(label="Attendance target (%)", min_value=1, max_value=100)

    form = TargetForm(data={"target": "150"})
    assert not form.is_valid()
    assert form.errors["target"] == ["Attendance target (%) must be 100 or less"]
