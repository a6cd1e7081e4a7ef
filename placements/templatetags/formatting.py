"""Numbers, money, hours, dates and times written the GOV.UK way, for every template.

    {% load formatting %}
    {{ weekly_hours|hours }}         10 hours, 12.5 hours, 1 hour
    {{ cost|money }}                 £3,740 (whole pounds), £3,740.50, £0.99
    {{ value|govuk_date }}           29 November 2026   ("short": 29 Nov 2026, for tables)
    {{ value|govuk_time }}           8:56pm, 9am, midday, midnight
    {{ value|govuk_datetime }}       29 November 2026 at 8:56pm ("short": 29 Nov 2026 at 8:56pm)

GOV.UK style: no trailing ".0" or ".00", a comma in thousands, "am"/"pm" with no space or dots,
no ":00" on the hour, "midday" and "midnight" rather than 12pm and 12am. Aware datetimes are
shown in the service's time zone (Europe/London). None gives "" so `|default:"…"` still works.

Lives in placements because apcommission itself is not an installed app; any template may load it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

register = template.Library()

DATE_FORMATS = {"": "%-d %B %Y", "long": "%-d %B %Y", "short": "%-d %b %Y"}


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _plain(number: Decimal, places: int) -> str:
    """`number` with a thousands comma and at most `places` decimals, trailing zeros dropped."""
    text = f"{number:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def hours(value) -> str:
    """10 → "10 hours", Decimal("12.50") → "12.5 hours", 1 → "1 hour"."""
    number = _decimal(value)
    if number is None:
        return ""
    text = _plain(number, 2)
    return f"{text} hour{'' if text == '1' else 's'}"


@register.filter
def money(value) -> str:
    """Pounds: "£3,740" when there are no pence, "£3,740.50" when there are; "-£5" below zero."""
    number = _decimal(value)
    if number is None:
        return ""
    sign = "-" if number < 0 else ""
    number = abs(number).quantize(Decimal("0.01"))
    text = f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"
    return f"{sign}£{text}"


def _local(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def govuk_date(value, style: str = "") -> str:
    """A date (or the date of a datetime, in London): "29 November 2026"; "short": "29 Nov 2026"."""
    if not isinstance(value, dt.date):
        return ""
    return _local(value).strftime(DATE_FORMATS.get(style, DATE_FORMATS[""]))


@register.filter
def govuk_time(value) -> str:
    """A time (or the time of a datetime, in London): "8:56pm", "9am", "midday", "midnight"."""
    if isinstance(value, dt.datetime):
        value = _local(value).time()
    if not isinstance(value, dt.time):
        return ""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


@register.filter
def govuk_datetime(value, style: str = "") -> str:
    """"29 November 2026 at 8:56pm" (in London); "short": "29 Nov 2026 at 8:56pm"."""
    if not isinstance(value, dt.datetime):
        return govuk_date(value, style)
    return f"{govuk_date(value, style)} at {govuk_time(value)}"


@register.filter
def govuk_time_range(start, end) -> str:
    """Two times as a range: "9am to 12:30pm"."""
    if start is None or end is None:
        return ""
    return f"{govuk_time(start)} to {govuk_time(end)}"


@register.filter
def lower_keep_acronyms(value) -> str:
    """Lower case for use mid-sentence, keeping acronyms: "Safeguarding, SEN and health" →
    "safeguarding, SEN and health" (Django's |lower gives "sen", which screen readers say as a word)."""
    words = str(value or "").split(" ")
    return " ".join(w if sum(c.isupper() for c in w) > 1 else w.lower() for w in words)
