"""GOV.UK style for hours, money, dates and times (issue 10): "10 hours", "£3,740", "8:56pm",
"29 November 2026 at 8:56pm" — never "10.0", "£3740.00" or "8:56:35p.m."."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template

from apcommission import clock
from placements.templatetags.formatting import (
    govuk_date,
    govuk_datetime,
    govuk_time,
    govuk_time_range,
    hours,
    money,
)


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("10.0"), "10 hours"),
    (Decimal("12.50"), "12.5 hours"),
    (Decimal("12.25"), "12.25 hours"),
    (1, "1 hour"),
    (Decimal("1.00"), "1 hour"),
    (0, "0 hours"),
    (Decimal("0.5"), "0.5 hours"),
    (1500, "1,500 hours"),
    (None, ""),
])
def test_hours(value, expected):
    assert hours(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("3740.00"), "£3,740"),
    (Decimal("3740.5"), "£3,740.50"),
    (Decimal("0.99"), "£0.99"),
    (Decimal("1000000"), "£1,000,000"),
    (45, "£45"),
    (Decimal("-5.00"), "-£5"),
    ("125.10", "£125.10"),
    (None, ""),
    ("", ""),
])
def test_money(value, expected):
    assert money(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (dt.time(20, 56, 35), "8:56pm"),
    (dt.time(9, 0), "9am"),
    (dt.time(9, 5), "9:05am"),
    (dt.time(12, 0), "midday"),
    (dt.time(0, 0), "midnight"),
    (dt.time(12, 30), "12:30pm"),
    (dt.time(0, 15), "12:15am"),
    (None, ""),
])
def test_time(value, expected):
    assert govuk_time(value) == expected


def test_dates_and_datetimes_are_shown_in_london_time():
    # 20:56:35 UTC on 29 November is 20:56 in London (GMT); in summer London is an hour ahead.
    winter = dt.datetime(2026, 11, 29, 20, 56, 35, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)
    assert govuk_datetime(winter) == "29 November 2026 at 8:56pm"
    assert govuk_datetime(winter, "short") == "29 Nov 2026 at 8:56pm"
    assert govuk_datetime(summer) == "2 July 2026 at 12:30am"
    assert govuk_date(summer) == "2 July 2026"
    assert govuk_time(summer) == "12:30am"
    assert govuk_date(dt.date(2026, 3, 1)) == "1 March 2026"
    assert govuk_date(dt.date(2026, 3, 1), "short") == "1 Mar 2026"
    assert govuk_datetime(dt.date(2026, 3, 1)) == "1 March 2026"  # a plain date has no time
    assert govuk_date(None) == govuk_datetime(None) == ""
    assert govuk_time_range(dt.time(9, 0), dt.time(12, 30)) == "9am to 12:30pm"
    assert clock.LONDON.key == "Europe/London"


def test_templates_use_the_filters_and_keep_defaults():
    rendered = Template(
        "{% load formatting %}{{ h|hours }}|{{ m|money }}|{{ at|govuk_datetime }}|{{ none|govuk_date|default:'Not given' }}"
    ).render(Context({"h": Decimal("10.0"), "m": Decimal("3740.00"),
                      "at": dt.datetime(2026, 11, 29, 20, 56, 35, tzinfo=dt.UTC), "none": None}))
    assert rendered == "10 hours|£3,740|29 November 2026 at 8:56pm|Not given"


def test_older_tag_libraries_agree():
    """placements_tags.hours and providers_tags.money are the same formatting (one style)."""
    rendered = Template(
        "{% load placements_tags providers_tags %}{{ h|hours }}|{{ none|hours }}|{{ m|money }}"
    ).render(Context({"h": Decimal("10.0"), "none": None, "m": Decimal("3740.00")}))
    assert rendered == "10 hours|Not agreed|£3,740"


# --- The placement timeline says what happened, in the past tense ----------------------------------

def test_every_transition_has_a_past_tense_for_the_timeline():
    from placements.lifecycle import Transition
    from placements.selectors import TIMELINE_PAST_TENSE

    assert set(TIMELINE_PAST_TENSE) == set(Transition.values)


@pytest.mark.parametrize(("transition", "summary", "expected"), [
    ("accept", "Accept the referral", "Referral accepted"),
    ("decline", "Decline the referral: no places until January", "Referral declined: no places until January"),
    ("emergency_review", "Call an emergency review: two incidents", "Emergency review called: two incidents"),
    ("end", "End the placement", "Placement ended"),
    ("", "Referral to Pathways started", "Referral to Pathways started"),  # not a transition: as written
])
def test_timeline_summary(transition, summary, expected):
    from placements.models import PlacementEvent
    from placements.selectors import timeline_summary

    assert timeline_summary(PlacementEvent(transition=transition, summary=summary)) == expected
