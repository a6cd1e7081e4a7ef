"""What other apps may read from exams: entries and results per placement, through the scoping layer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def entries_for_placements(placement_ids: Iterable[int]) -> dict[int, list]:
    """Exam entries (with any result) per placement, read in the current scope; each item has
    `qualification`, `awarding_body`, `series`, `status` and `result` attributes. One query;
    placements with no entry are left out. Access arrangements are not part of this surface."""
    from .models import ExamEntry

    ids = list(placement_ids)
    found: dict[int, list] = defaultdict(list)
    if not ids:
        return {}
    for entry in ExamEntry.objects.filter(placement_id__in=ids).defer("access_arrangements").order_by(
            "first_exam_on", "pk"):
        found[entry.placement_id].append(entry)
    return dict(found)
