"""What other apps may read from exams: entries and results per placement, through the scoping layer."""

from __future__ import annotations

from collections.abc import Iterable


def entries_for_placements(placement_ids: Iterable[int]) -> dict[int, list]:
    """Exam entries (with any result) per placement, read in the current scope; each item has
    `qualification`, `awarding_body`, `series`, `status` and `result` attributes."""
    return {}
