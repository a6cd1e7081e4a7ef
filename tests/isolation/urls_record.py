"""Isolation specs of the placement record (oversight/urls_record.py, issue 14 item 1): the placement
record opens for the school, its trust and the provider of the placement (pupil readers), the pupil
record for the school and its trust; another side's placement or pupil is a 404, a role without
view_pupils a 403."""

from __future__ import annotations

from .registry import UrlSpec
from .urls_attendance_reports import _placement, _placement_kwargs  # the side's active placement


def _pupil_kwargs(world, side):
    return {"pk": _placement(world, side).pupil_id}


URLS = {
    "oversight:placement_record": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "oversight:placement_record_pdf": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "oversight:pupil_record": UrlSpec(kwargs=_pupil_kwargs, school_owned=True),
    "oversight:pupil_record_pdf": UrlSpec(kwargs=_pupil_kwargs, school_owned=True),
}
