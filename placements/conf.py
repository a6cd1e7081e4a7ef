"""Settings read by the placements app, each with a default (override in settings if needed).

Read through `get()` (not at import time) so tests can change them with the `settings` fixture.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    # Expected full-time hours a week by key stage (seed 001 §6: "for pupils in Key Stage 4 full-time
    # education in a school would usually be 25 hours a week"). Below this → a part-time timetable.
    "APC_FULL_TIME_HOURS_KS1": Decimal("21"),
    "APC_FULL_TIME_HOURS_KS2": Decimal("23.5"),
    "APC_FULL_TIME_HOURS_KS3": Decimal("24"),
    "APC_FULL_TIME_HOURS_KS4": Decimal("25"),
    # The provider's initial assessment of needs is due this many days after acceptance (seed 001 §13).
    "APC_INITIAL_ASSESSMENT_DAYS": 7,
    # Remind the provider this many days before the initial assessment is due.
    "APC_INITIAL_ASSESSMENT_REMINDER_DAYS": 2,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
