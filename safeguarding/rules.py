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


# --- The emergency-review-overdue ladder -----------------------------------------------------

# An open emergency review reaches the AP lead at 07:00 in England on its due date and the
# headteacher at 07:00 on the 3rd school day after it.
OVERDUE_STEP_TIME = dt.time(7, 0)
HEAD_SCHOOL_DAYS = 3


def nth_school_day_after(day: dt.date, n: int, *, school_days: list[dt.date],
                         holidays: frozenset[dt.date] = frozenset()) -> dt.date:
    """The `n`th school day after `day`: from the school's calendar (`school_days`, the days it
    teaches after `day`, sorted) when it has enough, else counted in weekdays that are not bank
    holidays (a school with no term dates recorded is never left without its headteacher step)."""
    later = [d for d in school_days if d > day]
    if len(later) >= n:
        return later[n - 1]
    found, current = 0, day
    while found < n:
        current += dt.timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            found += 1
    return current


# --- Formal reviews and ceasing (seed 002 "Monitoring" and "Ceasing") --------------------------

# "The agreed number" of unsatisfactory (formal) reviews after which the page offers ceasing. The
# SLA carries no such number yet (slas.cross_tenant.SLATerms); when it does, `agreed_reviews` reads
# it from the terms. Until then the setting APC_UNSATISFACTORY_REVIEWS_BEFORE_CEASING, default 2
# (seed 002: "if this is unsatisfactory then academy leaders must seriously consider ceasing").
DEFAULT_UNSATISFACTORY_REVIEWS = 2


def agreed_reviews(terms=None) -> int:
    from django.conf import settings

    number = getattr(terms, "unsatisfactory_reviews_before_ceasing", None)
    if number is None:
        number = getattr(settings, "APC_UNSATISFACTORY_REVIEWS_BEFORE_CEASING", DEFAULT_UNSATISFACTORY_REVIEWS)
    return int(number)


def ceasing_offered(*, unsatisfactory_reviews: int, agreed: int, last_outcome: str) -> bool:
    """Ceasing for lack of progress is offered once the agreed number of unsatisfactory reviews is
    reached, or when the last formal review decided to cease."""
    return (agreed > 0 and unsatisfactory_reviews >= agreed) or last_outcome == "cease"
