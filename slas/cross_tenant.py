"""Explicit cross-tenant reads for SLAs (issue 8 item 4): numbers only, whoever asks.

The attendance and monitoring rules (and their sweeps) need the numbers a school and a provider
signed; they read them here, with scoping switched off, as plain integers — never the SLA itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tenancy.scoping import scopes_disabled

from .models import ServiceLevelAgreement, SLAStatus


@dataclass(frozen=True)
class SLATerms:
    """The numbers attendance and monitoring rules enforce for a school–provider pair."""

    register_deadline_minutes: int = 30
    incidents_before_emergency_review: int = 3
    visits_per_half_term: int = 1
    sla_id: int | None = None  # the SLA in force (open it through the scoped selectors)


DEFAULT_TERMS = SLATerms()
TERM_FIELDS = ("register_deadline_minutes", "incidents_before_emergency_review", "visits_per_half_term")


def sla_terms_for(*, school, provider, on: dt.date) -> SLATerms:
    """The terms of the SLA in force on `on` (signed, dates covering it, not ended before it),
    newest version first; the seeds' defaults when there is none. One query, numbers only."""
    with scopes_disabled():
        row = (
            ServiceLevelAgreement.objects.filter(
                school=school, provider=provider, status__in=[SLAStatus.SIGNED, SLAStatus.TERMINATED],
                start_date__lte=on, end_date__gte=on,
            )
            .exclude(terminated_on__lt=on)
            .order_by("-version", "-signed_at")
            .values("pk", *TERM_FIELDS)
            .first()
        )
    if row is None:
        return DEFAULT_TERMS
    return SLATerms(sla_id=row.pop("pk"), **row)
