from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tenancy.scoping import scopes_disabled

from .models import ServiceLevelAgreement, SLAStatus


def sla_list():
    return ServiceLevelAgreement.objects.select_related("school", "provider").order_by("-created_at")


def sla_detail_queryset():
    return ServiceLevelAgreement.objects.select_related(
        "school", "provider", "previous", "provider_dsl_acknowledged_by", "safeguarding_policy_recorded_by"
    ).prefetch_related("clauses", "signatures__organisation")


def sla_by_pdf_hash(sha256: str) -> ServiceLevelAgreement | None:
    """Public verification: the holder of a PDF proves possession; we only confirm what it is."""
    with scopes_disabled():
        return (
            ServiceLevelAgreement.objects.select_related("school", "provider")
            .filter(pdf_sha256=sha256).first()
        )


@dataclass(frozen=True)
class SLATerms:
    """The numbers attendance and monitoring rules enforce for a school–provider pair."""

    register_deadline_minutes: int = 30
    incidents_before_emergency_review: int = 3
    visits_per_half_term: int = 1
    sla: ServiceLevelAgreement | None = None


DEFAULT_TERMS = SLATerms()


def sla_terms_for(*, school, provider, on: dt.date) -> SLATerms:
    """The terms of the SLA in force on `on` (signed, dates covering it, not ended before it),
    newest version first; the seeds' defaults when there is none. Works for cross-tenant sweeps."""
    with scopes_disabled():
        sla = (
            ServiceLevelAgreement.objects.filter(
                school=school, provider=provider, status__in=[SLAStatus.SIGNED, SLAStatus.TERMINATED],
                start_date__lte=on, end_date__gte=on,
            )
            .exclude(terminated_on__lt=on)
            .order_by("-version", "-signed_at")
            .first()
        )
    if sla is None:
        return DEFAULT_TERMS
    return SLATerms(
        register_deadline_minutes=sla.register_deadline_minutes,
        incidents_before_emergency_review=sla.incidents_before_emergency_review,
        visits_per_half_term=sla.visits_per_half_term,
        sla=sla,
    )
