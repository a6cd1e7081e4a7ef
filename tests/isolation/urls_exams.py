"""Isolation rows of the exam entry pages (exams/views.py, issue 14 item 5): a school reaches its
placements' entries, the provider the entries on its placements, a trust its schools'; an LA none;
another side's entry is a 404."""

from __future__ import annotations

from .registry import UrlSpec
from .urls_attendance_reports import NOW, _placement


def _entry(world, side):
    from exams.factories import exam_entry

    return {"pk": exam_entry(_placement(world, side), now=NOW).pk}


def _confirmed(world, side):
    from exams.factories import exam_entry

    return {"pk": exam_entry(_placement(world, side), now=NOW, answer="confirm").pk}


def _placement_kwargs(world, side):
    return {"pk": _placement(world, side).pk}


URLS = {
    "exams:entry_list": UrlSpec(),
    "exams:entry_choose": UrlSpec(),
    "exams:placement_entries": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "exams:entry_create": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "exams:entry_detail": UrlSpec(kwargs=_entry, school_owned=True),
    "exams:entry_edit": UrlSpec(kwargs=_entry, school_owned=True),
    "exams:entry_answer": UrlSpec(kwargs=_entry, school_owned=True),
    "exams:entry_result": UrlSpec(kwargs=_confirmed, school_owned=True),
}
