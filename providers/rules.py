"""Pure rules for providers: no database, no clock. Callers pass `on`/`now` in.

* `registration_required` — would this provider have to register as an independent school?
  (s463 Education Act 1996; seed 001 §5-6; DOMAIN.md §3). The directory shows its answer for
  the pupils a provider declares; the placements flow calls the same function with real placements.
* due dates for staff checks (DBS re-check, safeguarding training) and the expiry status of any
  dated item (current / expiring / expired) used by the compliance summary and the daily reminders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from apcommission import clock

from . import conf


@dataclass(frozen=True)
class PupilLoad:
    """One pupil's timetable at the provider, as far as the registration test cares."""

    weekly_hours: Decimal | float | int
    compulsory_school_age: bool = True
    looked_after: bool = False
    has_ehcp: bool = False


@dataclass(frozen=True)
class RegistrationAssessment:
    required: bool
    full_time_pupils: int  # of compulsory school age, more than `full_time_hours` a week
    full_time_looked_after: int
    full_time_ehcp: int
    part_time_pupils: int  # of compulsory school age, at most `full_time_hours` a week
    full_time_hours: Decimal
    pupil_threshold: int
    reasons: tuple[str, ...]

    @property
    def headroom(self) -> int | None:
        """Full-time places left before registration is required (None if already required,
        or if any full-time pupil is looked after or has an EHC plan)."""
        if self.required:
            return None
        return self.pupil_threshold - 1 - self.full_time_pupils

    @property
    def general_reasons(self) -> tuple[str, ...]:
        """The reasons in general terms, for pages: the pupils are other schools' pupils, so how
        many are looked after or have an EHC plan never leaves the rule (need to know)."""
        reasons = [r for r in self.reasons[:1] if self.full_time_pupils >= self.pupil_threshold]
        if self.full_time_looked_after or self.full_time_ehcp:
            reasons.append("a full-time pupil is looked after or has an EHC plan")
        return tuple(reasons)

    @property
    def summary(self) -> str:
        if self.required:
            return "Registration required: " + "; ".join(self.general_reasons)
        if self.full_time_pupils == 0:
            return "Registration not required: no pupil attends full time"
        return (f"Registration not required: {self.full_time_pupils} full-time pupil"
                f"{'s' if self.full_time_pupils != 1 else ''}, none looked after or with an EHC plan")


@dataclass(frozen=True)
class PupilCounts:
    """How many pupils of compulsory school age a provider teaches, as the registration test counts
    them: full time (more than the full-time hours), of those looked after or with an EHC plan, and
    part time. Numbers only, so counts from several sources (placements the service knows, pupils
    the provider declares) add up without any pupil's details."""

    full_time: int = 0
    looked_after: int = 0
    ehcp: int = 0
    part_time: int = 0

    def __add__(self, other: PupilCounts) -> PupilCounts:
        return PupilCounts(self.full_time + other.full_time, self.looked_after + other.looked_after,
                           self.ehcp + other.ehcp, self.part_time + other.part_time)


def pupil_counts(pupils: Iterable[PupilLoad], *, full_time_hours: Decimal | None = None) -> PupilCounts:
    hours = Decimal(str(full_time_hours if full_time_hours is not None else conf.get("APC_FULL_TIME_HOURS")))
    full_time = lac = ehcp = part_time = 0
    for pupil in pupils:
        if not pupil.compulsory_school_age:
            continue
        if Decimal(str(pupil.weekly_hours)) > hours:
            full_time += 1
            lac += bool(pupil.looked_after)
            ehcp += bool(pupil.has_ehcp)
        else:
            part_time += 1
    return PupilCounts(full_time, lac, ehcp, part_time)


def registration_required(
    pupils: Iterable[PupilLoad], *, full_time_hours: Decimal | None = None, pupil_threshold: int | None = None,
) -> RegistrationAssessment:
    """Would a provider teaching these pupils need to register as an independent school?

    Full time means MORE than `full_time_hours` (default APC_FULL_TIME_HOURS = 18) a week: 18 hours
    exactly is part time. Registration is required when full-time education is given to
    `pupil_threshold` (default 5) or more pupils of compulsory school age, or to one such pupil who
    is looked after or has an EHC plan. Pupils not of compulsory school age never count.
    """
    return registration_from_counts(pupil_counts(pupils, full_time_hours=full_time_hours),
                                    full_time_hours=full_time_hours, pupil_threshold=pupil_threshold)


def registration_from_counts(
    counts: PupilCounts, *, full_time_hours: Decimal | None = None, pupil_threshold: int | None = None,
) -> RegistrationAssessment:
    """`registration_required` for pupils already counted (see PupilCounts)."""
    hours = Decimal(str(full_time_hours if full_time_hours is not None else conf.get("APC_FULL_TIME_HOURS")))
    threshold = int(pupil_threshold if pupil_threshold is not None else conf.get("APC_REGISTRATION_PUPIL_THRESHOLD"))
    full_time, lac, ehcp = counts.full_time, counts.looked_after, counts.ehcp
    reasons = []
    if full_time >= threshold:
        reasons.append(f"{full_time} pupils of compulsory school age attend full time "
                       f"(more than {hours:g} hours a week); the limit is {threshold - 1}")
    if lac:
        reasons.append(f"{lac} full-time pupil{'s' if lac != 1 else ''} looked after")
    if ehcp:
        reasons.append(f"{ehcp} full-time pupil{'s' if ehcp != 1 else ''} with an EHC plan")
    return RegistrationAssessment(
        required=bool(reasons), full_time_pupils=full_time, full_time_looked_after=lac,
        full_time_ehcp=ehcp, part_time_pupils=counts.part_time, full_time_hours=hours,
        pupil_threshold=threshold, reasons=tuple(reasons),
    )


# --- Dates ---------------------------------------------------------------------------------

add_months = clock.add_months  # same day n months later, clamped (one implementation, in the kernel clock)


def dbs_recheck_due(
    *, issued_on: dt.date | None, update_service: bool, status_checked_on: dt.date | None = None,
) -> dt.date | None:
    """When a DBS check needs renewing (or, on the update service, its next online status check)."""
    if issued_on is None:
        return None
    if update_service:
        last = max(d for d in (issued_on, status_checked_on) if d is not None)
        return add_months(last, conf.get("APC_DBS_UPDATE_SERVICE_CHECK_MONTHS"))
    return add_months(issued_on, conf.get("APC_DBS_RECHECK_MONTHS"))


def training_level_required(*, is_manager: bool) -> int:
    """Managers, supervisors and DSLs need level 3 or 4; other staff level 2 (seed 001 §18 1b, 1f)."""
    return 3 if is_manager else 2


def safeguarding_training_due(*, level: int | None, trained_on: dt.date | None) -> dt.date | None:
    if not level or trained_on is None:
        return None
    months = conf.get("APC_TRAINING_LEVEL3_MONTHS") if level >= 3 else conf.get("APC_TRAINING_LEVEL2_MONTHS")
    return add_months(trained_on, months)


CURRENT, EXPIRING, EXPIRED, MISSING = "current", "expiring", "expired", "missing"


def expiry_status(due: dt.date | None, *, on: dt.date, warning_days: int | None = None) -> str:
    """current / expiring (due within the warning window) / expired (due on or before `on`) / missing."""
    if due is None:
        return MISSING
    days = conf.get("APC_EXPIRY_WARNING_DAYS") if warning_days is None else warning_days
    if due <= on:
        return EXPIRED
    if due <= on + dt.timedelta(days=days):
        return EXPIRING
    return CURRENT


def first_reminder_on(due: dt.date | None, *, warning_days: int | None = None) -> dt.date | None:
    """The first day a reminder is due for an item expiring on `due` (the start of the warning window)."""
    if due is None:
        return None
    days = conf.get("APC_EXPIRY_WARNING_DAYS") if warning_days is None else warning_days
    return due - dt.timedelta(days=days)


# Red / amber / green for a set of statuses: anything missing or expired is red, anything
# expiring is amber, otherwise green.
RED, AMBER, GREEN = "red", "amber", "green"


def rag(statuses: Iterable[str]) -> str:
    statuses = set(statuses)
    if statuses & {MISSING, EXPIRED}:
        return RED
    if EXPIRING in statuses:
        return AMBER
    return GREEN
