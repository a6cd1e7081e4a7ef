"""Reads of exam entries, in the caller's scope. What of an entry a member reads about the pupil
(the name; the access arrangements) comes from the visibility table through the placements
selectors, never from a template or a view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from placements import selectors as placement_selectors
from tenancy.visibility import DataGroup

from .models import EntryState, ExamEntry

SOON = dt.timedelta(weeks=4)  # the dashboard's "exams in the next 4 weeks"


def _entries():
    return ExamEntry.objects.select_related("placement__pupil", "school", "provider")


def entry_get(pk: int) -> ExamEntry:
    return _entries().get(pk=pk)


def entries_by_date(*, upcoming_from: dt.date | None = None):
    """Every entry the scope reaches, the earliest exam first; from a date when given (an entry
    whose exams run over several days counts until its last one)."""
    qs = _entries().order_by("first_exam_on", "pk")
    if upcoming_from is not None:
        qs = qs.filter(Q(first_exam_on__gte=upcoming_from) | Q(last_exam_on__gte=upcoming_from))
    return qs


def due_soon(*, today: dt.date):
    """Entries with an exam in the next 4 weeks (today included), earliest first."""
    return entries_by_date(upcoming_from=today).filter(first_exam_on__lte=today + SOON)


def dashboard_entries(*, today: dt.date, to_act: str):
    """The dashboard's rows: exams in the next 4 weeks, and entries in `to_act` (the provider's to
    confirm, the school's the provider cannot take) with no result yet; the earliest first."""
    soon = (Q(first_exam_on__gte=today) | Q(last_exam_on__gte=today)) & Q(first_exam_on__lte=today + SOON)
    return _entries().filter(soon | Q(state=to_act, grade="")).order_by("first_exam_on", "pk")


def awaiting_provider():
    return _entries().filter(state=EntryState.AWAITING, grade="").order_by("first_exam_on", "pk")


def placement_entries(placement):
    return _entries().filter(placement=placement).order_by("first_exam_on", "pk")


@dataclass(frozen=True)
class EntryView:
    """One entry as this member reads it."""

    entry: ExamEntry
    pupil: str  # the pupil's name, or a reference only
    access_arrangements: str | None  # None: the member does not read access arrangements


def entry_view(entry: ExamEntry, membership) -> EntryView:
    reader = placement_selectors.placement_reader(entry.placement, membership)
    label = placement_selectors.pupil_label(entry.placement, reader)
    access = (entry.access_arrangements or "None recorded") if reader.can(DataGroup.ACCESS_ARRANGEMENTS) else None
    return EntryView(entry=entry, pupil=label.text, access_arrangements=access)


def list_rows(entries, membership) -> list[tuple[ExamEntry, str]]:
    """(entry, pupil label) for list pages and panels: no query per row (list_label)."""
    return [(e, placement_selectors.list_label(e.placement, membership).text) for e in entries]


def recordable_placements():
    """The scope's placements an entry may be recorded on (agreed or in AP), by pupil name."""
    from placements.models import Placement

    from .services import RECORDABLE_STATES

    return (Placement.objects.filter(state__in=RECORDABLE_STATES).select_related("pupil", "provider")
            .order_by("pupil__last_name", "pupil__first_name", "pk"))


def placement_rows(placements, membership) -> list[tuple[object, str]]:
    return [(p, placement_selectors.list_label(p, membership).text) for p in placements]
