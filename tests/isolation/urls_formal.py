"""Isolation specs for formal reviews and ceasing (issue 12 item 7).

Objects hang off the side's active placement (school a's pupil at provider a): another
organisation's placement or formal review through your own organisation's URL is a 404, a role
without the view's capability a 403. The record page needs an open formal review; every GET of it
gets its own (recording one closes it).
"""

from __future__ import annotations

import datetime as dt

from .registry import UrlSpec
from .urls_safeguarding import _placement, _placement_kwargs

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _formal_review(world, side):
    """A fresh open formal review (any open one on the placement is recorded first)."""
    from safeguarding.models import FormalReview
    from tenancy.scoping import scopes_disabled

    with scopes_disabled():
        placement = _placement(world, side)
        FormalReview.objects.filter(placement=placement, closed_at__isnull=True).update(closed_at=NOW,
                                                                                        outcome="on_notice")
        return {"pk": FormalReview.objects.create(placement=placement, reason="Behind in every subject",
                                                  opened_at=NOW).pk}


URLS = {
    "safeguarding:formal_list": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "safeguarding:formal_open": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "safeguarding:placement_cease": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "safeguarding:formal_detail": UrlSpec(kwargs=_formal_review, school_owned=True),
    "safeguarding:formal_record": UrlSpec(kwargs=_formal_review, school_owned=True),
}
