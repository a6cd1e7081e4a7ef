"""Editing the calendar (issue 11 item 1): an LA's term dates and area-wide non-teaching days, a
school's own term dates (when it sets its own for a year) and its INSET days and closures, a
provider's closure days; and a school's attendance settings.

Rules here, views thin. Every change is one transaction; once it commits, the session generator is
told (`attendance.sessions.calendar_changed`) so expected sessions follow the new dates. Messages
name the date they are about, so the form shows them next to the right input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction

from apcommission.errors import Refusal
from tenancy.models import Organisation
from tenancy.roles import OrganisationKind as K

from . import sessions
from .calendar import academic_year_of
from .models import AttendanceSettings, DayKind, NonTeachingDay, Term, TermDates

TERM_KINDS = (K.LOCAL_AUTHORITY, K.SCHOOL)
TERM_ORDER = [Term.AUTUMN, Term.SPRING, Term.SUMMER]
# Which kinds of non-teaching day each kind of organisation records.
DAY_KINDS = {
    K.LOCAL_AUTHORITY: [DayKind.CLOSURE, DayKind.OTHER],
    K.SCHOOL: [DayKind.INSET, DayKind.CLOSURE, DayKind.OTHER],
    K.PROVIDER: [DayKind.CLOSURE],
}
FIRST_YEAR, LAST_YEAR = 2000, 2099  # academic years the pages accept


# --- Wording -------------------------------------------------------------------------------

def long_date(day: dt.date) -> str:
    """'4 January 2027' (GOV.UK style)."""
    return f"{day.day} {day:%B %Y}"


def year_label(year: int) -> str:
    """The academic year starting in `year`: '2026 to 2027' (GOV.UK style, no slash)."""
    return f"{year} to {year + 1}"


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The academic year runs from 1 August to 31 July."""
    return dt.date(year, 8, 1), dt.date(year + 1, 7, 31)


def current_year(now: dt.datetime) -> int:
    from apcommission.clock import LONDON

    return academic_year_of(now.astimezone(LONDON).date())


# --- Rules (pure) --------------------------------------------------------------------------

def term_date_errors(*, academic_year: int, start: dt.date, end: dt.date, half_start: dt.date | None,
                     half_end: dt.date | None, others: list[TermDates] = ()) -> dict[str, str]:
    """What is wrong with a term's dates, one message per date input ({} when nothing is).

    The model's constraints say the same; these messages say which date and what to change."""
    errors: dict[str, str] = {}
    first, last = year_bounds(academic_year)
    span = f"the {year_label(academic_year)} school year ({long_date(first)} to {long_date(last)})"
    if not first <= start <= last:
        errors["start_date"] = f"The first day of term must be in {span}"
    if not first <= end <= last:
        errors["end_date"] = f"The last day of term must be in {span}"
    elif end < start:
        errors["end_date"] = "The last day of term must be on or after the first day of term"
    if half_start and not half_end:
        errors["half_term_end"] = "Enter the last day of half term, or remove the first day of half term"
    elif half_end and not half_start:
        errors["half_term_start"] = "Enter the first day of half term, or remove the last day of half term"
    elif half_start and half_end:
        if not start <= half_start <= end:
            errors["half_term_start"] = "The first day of half term must be inside the term " \
                                        f"({long_date(start)} to {long_date(end)})"
        if half_end < half_start:
            errors["half_term_end"] = "The last day of half term must be on or after the first day of half term"
        elif not start <= half_end <= end:
            errors["half_term_end"] = "The last day of half term must be inside the term " \
                                      f"({long_date(start)} to {long_date(end)})"
    if "start_date" not in errors and "end_date" not in errors:
        for other in others:
            if start <= other.end_date and other.start_date <= end:
                errors["start_date"] = (f"The {other.get_term_display().lower()} runs from {long_date(other.start_date)} "
                                        f"to {long_date(other.end_date)}: terms must not overlap")
                break
    return errors


def day_errors(*, organisation: Organisation, academic_year: int, day: dt.date, kind: str,
               taken: bool) -> dict[str, str]:
    """What is wrong with a non-teaching day ({} when nothing is)."""
    first, last = year_bounds(academic_year)
    if not first <= day <= last:
        return {"date": f"The date must be in the {year_label(academic_year)} school year "
                        f"({long_date(first)} to {long_date(last)})"}
    if day.weekday() >= 5:
        return {"date": f"{long_date(day)} is a {day:%A}: there are no sessions to cancel at weekends"}
    if taken:
        return {"date": f"There is already a non-teaching day on {long_date(day)}"}
    if kind not in DAY_KINDS.get(organisation.kind, []):
        return {"kind": "Select what kind of day it is from the list"}
    return {}


# --- Reads ---------------------------------------------------------------------------------

@dataclass
class CalendarYear:
    """What the calendar page shows an organisation for one academic year."""

    organisation: Organisation
    year: int
    terms: list[TermDates] = field(default_factory=list)  # the terms the organisation follows
    own_terms: bool = False  # the terms are the organisation's own rows (it may change them)
    follows: Organisation | None = None  # a school following its LA's dates: the LA
    days: list[NonTeachingDay] = field(default_factory=list)  # the organisation's own (it may remove them)
    area_days: list[NonTeachingDay] = field(default_factory=list)  # its LA's, read-only, when they apply

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def terms_to_add(self) -> list[tuple[str, str]]:
        """Terms missing from the year that this organisation may add now."""
        if self.organisation.kind not in TERM_KINDS or (self.follows is not None and self.terms):
            return []
        present = {t.term for t in self.terms}
        return [(t.value, t.label) for t in TERM_ORDER if t.value not in present]

    @property
    def may_use_own_dates(self) -> bool:
        """A school following its LA's published dates may take them as its own, to change them."""
        return self.follows is not None and bool(self.terms)


def calendar_year(organisation: Organisation, year: int) -> CalendarYear:
    """The calendar of one academic year as `organisation` edits it (two queries, in its scope)."""
    result = CalendarYear(organisation=organisation, year=year)
    first, last = year_bounds(year)
    la_id = organisation.local_authority_id if organisation.kind == K.SCHOOL else None
    if organisation.kind in TERM_KINDS:
        rows = list(TermDates.objects.filter(organisation_id__in=[organisation.pk, la_id], academic_year=year)
                    .order_by("start_date"))
        own = [t for t in rows if t.organisation_id == organisation.pk]
        result.own_terms = bool(own) or organisation.kind == K.LOCAL_AUTHORITY
        if own or la_id is None:
            result.terms = own
        else:
            result.terms = [t for t in rows if t.organisation_id == la_id]
            result.follows = organisation.local_authority
    days = list(NonTeachingDay.objects.filter(organisation_id__in=[organisation.pk, la_id],
                                              date__range=(first, last)).order_by("date"))
    result.days = [d for d in days if d.organisation_id == organisation.pk]
    if result.follows is not None:
        result.area_days = [d for d in days if d.organisation_id == la_id]
    return result


def editable_terms(organisation: Organisation):
    """The term rows `organisation` may change: its own (never its LA's or a school's)."""
    return TermDates.objects.filter(organisation=organisation)


def editable_days(organisation: Organisation):
    return NonTeachingDay.objects.filter(organisation=organisation)


def settings_for(school: Organisation) -> AttendanceSettings:
    """The school's settings, or the defaults (unsaved) when it has not chosen any."""
    return AttendanceSettings.objects.filter(school=school).first() or AttendanceSettings(school=school)


# --- Writes --------------------------------------------------------------------------------

def _changed(organisation: Organisation, now: dt.datetime) -> None:
    """Once the change commits, expected sessions follow the new calendar."""
    transaction.on_commit(partial(sessions.calendar_changed, organisation=organisation, now=now))


def _refuse(errors: Mapping[str, str]) -> None:
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})


@transaction.atomic
def term_save(*, organisation: Organisation, academic_year: int, term: str, data: Mapping, by, now: dt.datetime,
              instance: TermDates | None = None) -> TermDates:
    """Add a term of `academic_year` (or change `instance`, one of the organisation's own terms).

    A school that follows its LA's published dates for the year first takes them as its own
    (`own_term_dates_start`): a single term of its own would leave the rest of its year empty."""
    if organisation.kind not in TERM_KINDS:
        raise Refusal("Only local authorities and schools set term dates.")
    if instance is not None and instance.organisation_id != organisation.pk:
        raise Refusal("You can only change your own term dates.")
    if term not in Term.values:
        raise Refusal("There is no such term.")
    siblings = list(TermDates.objects.select_for_update().filter(organisation=organisation,
                                                                 academic_year=academic_year))
    if instance is None:
        if any(t.term == term for t in siblings):
            raise Refusal(f"The {Term(term).label.lower()} of {year_label(academic_year)} is already set: change it instead.")
        if organisation.kind == K.SCHOOL and not siblings and TermDates.objects.filter(
                organisation_id=organisation.local_authority_id, academic_year=academic_year).exists():
            raise Refusal(f"Your school follows {organisation.local_authority}'s term dates for "
                          f"{year_label(academic_year)}. Choose “Use our own term dates” first.")
    row = instance or TermDates(organisation=organisation, academic_year=academic_year, term=term)
    row.start_date, row.end_date = data["start_date"], data["end_date"]
    row.half_term_start, row.half_term_end = data.get("half_term_start"), data.get("half_term_end")
    _refuse(term_date_errors(academic_year=academic_year, start=row.start_date, end=row.end_date,
                             half_start=row.half_term_start, half_end=row.half_term_end,
                             others=[t for t in siblings if t.pk != row.pk]))
    row.full_clean()
    row.save()
    _changed(organisation, now)
    return row


@transaction.atomic
def calendar_row_remove(*, row: TermDates | NonTeachingDay, organisation: Organisation, by, now: dt.datetime) -> None:
    """Remove one of the organisation's own terms or non-teaching days."""
    if row.organisation_id != organisation.pk:
        raise Refusal("You can only remove your own calendar dates.")
    row.delete()
    _changed(organisation, now)


@transaction.atomic
def own_term_dates_start(*, school: Organisation, academic_year: int, by, now: dt.datetime) -> list[TermDates]:
    """'Use our own term dates' for a year: the school's own copy of its LA's terms, to change as it
    needs. From then on the LA's later changes to that year no longer reach the school."""
    if school.kind != K.SCHOOL:
        raise Refusal("Only a school sets its own term dates.")
    if TermDates.objects.select_for_update().filter(organisation=school, academic_year=academic_year).exists():
        raise Refusal(f"Your school already sets its own term dates for {year_label(academic_year)}.")
    la_terms = TermDates.objects.filter(organisation_id=school.local_authority_id, academic_year=academic_year)
    copies = [TermDates(organisation=school, academic_year=academic_year, term=t.term, start_date=t.start_date,
                        end_date=t.end_date, half_term_start=t.half_term_start, half_term_end=t.half_term_end)
              for t in la_terms]
    if not copies:
        raise Refusal(f"{school.local_authority} has not published term dates for {year_label(academic_year)} yet: "
                      "add your own terms instead.")
    TermDates.objects.bulk_create(copies)
    _changed(school, now)
    return copies


@transaction.atomic
def own_term_dates_stop(*, school: Organisation, academic_year: int, by, now: dt.datetime) -> int:
    """Follow the LA's dates again for a year: the school's own terms of that year go."""
    if school.kind != K.SCHOOL:
        raise Refusal("Only a school sets its own term dates.")
    removed, _ = TermDates.objects.filter(organisation=school, academic_year=academic_year).delete()
    if not removed:
        raise Refusal(f"Your school already follows {school.local_authority}'s term dates for "
                      f"{year_label(academic_year)}.")
    _changed(school, now)
    return removed


@transaction.atomic
def day_add(*, organisation: Organisation, academic_year: int, data: Mapping, by, now: dt.datetime) -> NonTeachingDay:
    """Add an INSET day, closure or other non-teaching day (a provider: a closure day)."""
    if organisation.kind not in DAY_KINDS:
        raise Refusal("Your organisation does not keep non-teaching days.")
    kinds = DAY_KINDS[organisation.kind]
    kind = data.get("kind") or (kinds[0] if len(kinds) == 1 else "")
    taken = NonTeachingDay.objects.filter(organisation=organisation, date=data["date"]).exists()
    _refuse(day_errors(organisation=organisation, academic_year=academic_year, day=data["date"], kind=kind,
                       taken=taken))
    row = NonTeachingDay(organisation=organisation, date=data["date"], kind=kind, note=data.get("note", ""))
    row.full_clean()
    row.save()
    _changed(organisation, now)
    return row


@transaction.atomic
def settings_save(*, school: Organisation, data: Mapping, by, now: dt.datetime) -> AttendanceSettings:
    """Save the school's attendance target, second-step minutes and weekly summary choice."""
    if school.kind != K.SCHOOL:
        raise Refusal("Only a school has attendance settings.")
    row = AttendanceSettings.objects.select_for_update().filter(school=school).first() or AttendanceSettings(school=school)
    for name in ("target_percent", "second_step_minutes", "weekly_summary"):
        setattr(row, name, data[name])
    row.full_clean()
    row.save()
    return row
