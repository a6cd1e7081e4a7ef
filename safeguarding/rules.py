"""The numbers and plain rules of incidents and emergency reviews."""

from __future__ import annotations

import datetime as dt

# An emergency review is due this many calendar days after it opens (seed 001 §17: "promptly";
# two school weeks).
EMERGENCY_REVIEW_DAYS = 10

DEFAULT_TARGETS = ("Agree clear targets for behaviour with the provider, the pupil and their parents or carers "
                   "at the emergency review meeting, and record them here.")


def review_due_on(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=EMERGENCY_REVIEW_DAYS)


def review_needed(*, unreviewed_behaviour_incidents: int, threshold: int, review_open: bool) -> bool:
    """A review opens when the behaviour incidents since the placement started (or since the last
    review closed) reach the SLA's number, and none is open already."""
    return not review_open and threshold > 0 and unreviewed_behaviour_incidents >= threshold
