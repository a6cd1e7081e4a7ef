from __future__ import annotations

from tenancy.scoping import scopes_disabled

from .models import ServiceLevelAgreement


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
