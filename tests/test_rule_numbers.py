"""User-facing numbers come from the settings (issue 9): pages say what the service is configured
to do, not what its defaults were when the text was written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from apcommission.context_processors import RULE_NUMBERS, rule_numbers, rules

ROOT = Path(__file__).resolve().parents[1]

# Phrases that repeat a configured number. A page needing one reads `rules.<name>` instead.
LITERALS = re.compile(
    r"within (30|7) days|within a week|for 12 months|(more than|over) 18 hours|5 or more pupils|"
    r"expire after 7 days|current for 12 months"
)
SCANNED = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/views.py"), *ROOT.glob("*/views/*.py"),
           *ROOT.glob("*/selectors.py"), *ROOT.glob("*/forms.py"), *ROOT.glob("*/forms/*.py")]


def test_no_page_text_repeats_a_configured_number():
    found = []
    for path in SCANNED:
        if ".venv" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("#") or stripped.startswith("{#"):
                continue
            if LITERALS.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {stripped[:100]}")
    assert not found, "Read these numbers from the settings (rules.<name>):\n" + "\n".join(found)


def test_every_rule_number_reads_its_setting(settings):
    settings.APC_EXPIRY_WARNING_DAYS = 14
    settings.APC_SUITABILITY_VALID_MONTHS = 6
    settings.APC_INITIAL_ASSESSMENT_DAYS = 5
    settings.INVITATION_TTL_DAYS = 3
    numbers = rule_numbers()
    assert set(RULE_NUMBERS) <= set(numbers)
    assert (numbers["expiry_warning_days"], numbers["suitability_valid_months"], numbers["initial_assessment_days"],
            numbers["invitation_days"]) == (14, 6, 5, 3)


@pytest.mark.parametrize("template, setting, value, expected", [
    ("accounts/invitation_unusable.html", "INVITATION_TTL_DAYS", 3, "expire after 3 days"),
])
def test_pages_say_the_configured_number(settings, template, setting, value, expected):
    from django.template.loader import render_to_string

    setattr(settings, setting, value)
    request = RequestFactory().get("/")
    html = render_to_string(template, {}, request=request)
    assert expected in " ".join(html.split())


def test_templates_read_numbers_through_the_context_processor(settings):
    settings.APC_EXPIRY_WARNING_DAYS = 21
    context = rules(RequestFactory().get("/"))
    assert Template("{{ rules.expiry_warning_days }}").render(Context(context)) == "21"
