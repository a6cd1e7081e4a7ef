"""Signals other apps listen to (placements never imports them: dependencies run one way).

`sessions_may_have_changed` is sent after the commit of a change to what placements expect of
their pupils: a version of the commissioning agreement agreed by both sides, a state change into or
out of attendance (start, emergency review, suspend, resume, end), an SLA signed or terminated
(its register minutes). attendance.sessions listens and brings the expected sessions up to date.
Send it through `schedule_changed()`, inside the writing transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

# kwargs: placement_ids (list[int]), now (aware datetime)
sessions_may_have_changed = Signal()


def schedule_changed(placement_ids: Iterable[int], *, now: dt.datetime) -> None:
    """Tell listeners once the current transaction commits (nothing is sent if it rolls back)."""
    ids = sorted(set(placement_ids))
    if ids:
        transaction.on_commit(lambda: sessions_may_have_changed.send(sender=None, placement_ids=ids, now=now))
