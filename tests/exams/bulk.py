"""Many placements in AP at once for query-budget tests (bulk_create, not the lifecycle: these tests
count a page's queries, not how placements come to be)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bench.dashboard import add_pupils
from placements.models import Placement, Pupil, RegistrationCode, State
from tenancy.scoping import scopes_disabled


def add_placements(school, provider, count: int, *, start=dt.date(2026, 9, 7)) -> list[Placement]:
    """`count` new pupils of `school`, each active at `provider` (weekly hours 12.5, code B)."""
    with scopes_disabled():
        before = set(Pupil.objects.filter(school=school).values_list("pk", flat=True))
        add_pupils(school, count)
        pupils = Pupil.objects.filter(school=school).exclude(pk__in=before).order_by("pk")
        rows = [Placement(school=school, pupil=pupil, provider=provider, state=State.ACTIVE, start_date=start,
                          weekly_hours=Decimal("12.5"), total_weekly_hours=Decimal("25"),
                          registration_code=RegistrationCode.B) for pupil in pupils]
        return Placement.objects.bulk_create(rows, batch_size=500)
