"""SLA reads. Pages, the PDF download and any export take what they show from here, and these
selectors take the member's membership: costings (the schedule's rate, estimated total,
invoicing and payment terms, and the clauses of the funding section) are returned only to roles
that read the COSTS data group in tenancy.visibility; everyone else gets the SLA with those
fields emptied and `costs_withheld` set (such an instance refuses to be saved)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tenancy.scoping import scopes_disabled
from tenancy.visibility import DataGroup, reader_for

# The numbers of the SLA in force are read across tenants (sweeps, the provider's pages) in
# slas/cross_tenant.py, numbers only; re-exported here for the rules that use them.
from .cross_tenant import DEFAULT_TERMS, SLATerms, sla_terms_for  # noqa: F401
from .default_clauses import SECTIONS
from .models import ServiceLevelAgreement, SLAClause, SLAStatus

COSTS_WITHHELD = "Costs are shown only to finance roles"
# Schedule fields that are costs, and the value each takes when withheld.
COST_FIELDS = {"rate": None, "rate_unit": "", "vat_rate": None, "estimated_total": None, "invoicing_period": "", "payment_due_days": None}
# Clause sections about money: their text is withheld with the costings.
COST_SECTIONS = frozenset(heading for key, heading, _clauses in SECTIONS if key == "funding")


def reads_costs(membership) -> bool:
    return reader_for(membership).can(DataGroup.COSTS)


def _withhold_costs(sla: ServiceLevelAgreement) -> ServiceLevelAgreement:
    for name, empty in COST_FIELDS.items():
        setattr(sla, name, empty)
    sla.costs_withheld = True
    return sla


def sla_list(membership) -> list[ServiceLevelAgreement]:
    rows = list(ServiceLevelAgreement.objects.select_related("school", "provider").order_by("-created_at"))
    return rows if reads_costs(membership) else [_withhold_costs(sla) for sla in rows]


def sla_detail_queryset():
    return ServiceLevelAgreement.objects.select_related(
        "school", "provider", "previous", "provider_dsl_acknowledged_by", "safeguarding_policy_recorded_by"
    ).prefetch_related("clauses", "signatures__organisation")


def sla_for(sla: ServiceLevelAgreement, membership) -> ServiceLevelAgreement:
    """The SLA as this member may read it (costs emptied unless the role reads COSTS)."""
    return sla if reads_costs(membership) else _withhold_costs(sla)


@dataclass(frozen=True)
class SLACosts:
    rate: Decimal | None
    rate_unit: str
    vat: str
    estimated_total: Decimal | None
    invoicing_period: str
    payment_due_days: int | None


@dataclass(frozen=True)
class ClauseView:
    number: int
    clause: SLAClause
    text: str
    withheld: bool = False


@dataclass(frozen=True)
class SLAView:
    sla: ServiceLevelAgreement
    costs: SLACosts | None  # None: withheld from this member
    clauses: list[ClauseView]

    @property
    def costs_withheld(self) -> bool:
        return self.costs is None

    @property
    def can_download_pdf(self) -> bool:
        """The signed PDF is one stored file that contains the costs, so only COSTS readers get it."""
        return self.costs is not None and self.sla.status in (SLAStatus.SIGNED, SLAStatus.TERMINATED)

    @property
    def pdf_withheld(self) -> bool:
        return self.costs is None and self.sla.status in (SLAStatus.SIGNED, SLAStatus.TERMINATED)


def sla_view(sla: ServiceLevelAgreement, membership) -> SLAView:
    from .services import render_clause

    if reads_costs(membership):
        costs = SLACosts(rate=sla.rate, rate_unit=sla.get_rate_unit_display(),
                         vat=sla.get_vat_rate_display(), estimated_total=sla.estimated_total,
                         invoicing_period=sla.get_invoicing_period_display(), payment_due_days=sla.payment_due_days)
    else:
        costs = None
        sla = _withhold_costs(sla)
    clauses = []
    for number, clause in enumerate(sla.clauses.all(), start=1):
        if costs is None and clause.section in COST_SECTIONS:
            clause.body = ""  # never reaches a template for this member
            clauses.append(ClauseView(number, clause, COSTS_WITHHELD, withheld=True))
        else:
            clauses.append(ClauseView(number, clause, render_clause(sla, clause.body)))
    return SLAView(sla=sla, costs=costs, clauses=clauses)


def sla_by_pdf_hash(sha256: str) -> ServiceLevelAgreement | None:
    """Public verification: the holder of a PDF proves possession; we only confirm what it is."""
    with scopes_disabled():
        return (
            ServiceLevelAgreement.objects.select_related("school", "provider")
            .filter(pdf_sha256=sha256).first()
        )
