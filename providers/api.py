"""The providers app's public read API: what other apps (placements, slas, ...) may ask it.

Other apps import `providers.api` (and `providers.models` for model classes and choices), never
`providers.selectors`, `providers.services` or `providers.rules` directly
(tests/test_import_graph.py holds the allowed surface). `providers` itself imports no other domain
app: what it needs to know from them (pupils placed through the service, schools commissioning a
provider) they tell it through the two sources below, registered in their AppConfig.ready().

Reads run in the caller's scope unless a function says otherwise; callers that must read across
tenants wrap the call in their own explicit cross-tenant module (e.g. placements/cross_tenant.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind

from . import conf, rules, selectors
from .models import (
    REFUSED_STATUSES,
    WARNED_STATUSES,
    ListingStatus,
    ProviderListing,
    ProviderProfile,
)
from .rules import PupilCounts, RegistrationAssessment

__all__ = [
    "ListingStatus", "PupilCounts", "compliance_summary", "full_time_hours", "offers_for", "profile_for", "RegistrationAssessment", "RegistrationFigures", "commissioning_schools",
    "listing_status", "provider_is_registered", "providers_for_referral", "register_commissioning_schools",
    "register_counted_pupils", "registration_figures", "suitability_signoff_current", "suspended_by_la",
    "CommissioningCheck", "commissioning_check", "listing_status_write", "register_listing_decider",
    "decide_listing_status", "register_approval_history", "approval_history", "profiles_by_provider",
]

# --- Sources other apps register (providers must not import them) --------------------------

CountedPupils = Callable[..., PupilCounts]  # (provider=, on=) -> counts of pupils placed through the service
SchoolIds = Callable[..., Iterable[int]]  # (provider=) -> ids of schools commissioning the provider

_counted_pupils: list[CountedPupils] = []
_commissioning_schools: list[SchoolIds] = []


def register_counted_pupils(source: CountedPupils) -> None:
    """placements registers how many pupils it has placed at a provider (numbers only)."""
    if source not in _counted_pupils:
        _counted_pupils.append(source)


def register_commissioning_schools(source: SchoolIds) -> None:
    """placements registers which schools commission a provider (for the expiry reminders)."""
    if source not in _commissioning_schools:
        _commissioning_schools.append(source)


def commissioning_schools(*, provider: Organisation):
    """Active schools commissioning `provider`, as every registered source knows them."""
    ids = {pk for source in _commissioning_schools for pk in source(provider=provider)}
    return Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.SCHOOL, is_active=True).order_by("name")


# --- Listing, suspension, registration and suitability facts -------------------------------

listing_status = selectors.listing_status
suitability_signoff_current = selectors.suitability_signoff_current
provider_is_registered = selectors.provider_is_registered
# The pack as the caller's scope reads it (an LA: the providers it lists): QA visits pre-fill from these.
compliance_summary = selectors.compliance_summary
profile_for = selectors.profile_for
offers_for = selectors.offers_for


def profiles_by_provider(provider_ids: Iterable[int]) -> dict[int, ProviderProfile]:
    """The profiles of these providers the caller's scope reads, by provider id (one query; lists
    such as a school's inspection list and census fields name each provider's address, registration
    and URN)."""
    return {p.provider_id: p for p in ProviderProfile.objects.filter(provider_id__in=list(provider_ids))}


def suspended_by_la(*, local_authority_id: int | None, provider: Organisation) -> bool:
    """Does this LA refuse new places at the provider (suspended, not approved, withdrawn or its
    approval lapsed: see `commissioning_check`)?"""
    if not local_authority_id:
        return False
    return ProviderListing.objects.filter(local_authority_id=local_authority_id, provider=provider,
                                          status__in=REFUSED_STATUSES).exists()


# --- Where schools act: may a school commission new places at a provider? -------------------

_REFUSAL_WHY = {
    ListingStatus.SUSPENDED: "has suspended {provider}",
    ListingStatus.NOT_APPROVED: "has not approved {provider} after its quality assurance visit",
    ListingStatus.WITHDRAWN: "has withdrawn {provider} from its approved list",
    ListingStatus.LAPSED: "let {provider}'s approval lapse: its quality assurance visit is overdue",
}
_WARNING_WHY = {
    ListingStatus.CONDITIONS: ("{la} has approved {provider} with conditions: it agreed improvements at its "
                               "last quality assurance visit. Read the LA's decision before you commission places."),
    ListingStatus.LISTED: ("{la} lists {provider} but has not quality assured it yet. Check its due-diligence "
                           "pack carefully before you commission places."),
}


@dataclass(frozen=True)
class CommissioningCheck:
    """What a school's LA says about new places at a provider.

    * refused — suspended, not approved, withdrawn, or approval lapsed: no new referral, no new SLA
      (places that already exist go on: amendments and endings stay possible);
    * warned — approved with conditions, or listed but not yet quality assured: allowed, and the
      school is told why it should look twice;
    * neither — approved, or a provider the LA does not list (the school's own due diligence).
    """

    status: str | None
    refused: bool = False
    message: str = ""

    @property
    def warned(self) -> bool:
        return bool(self.message) and not self.refused


def commissioning_check(*, school: Organisation, provider: Organisation, doing: str = "") -> CommissioningCheck:
    """Read the school's LA's status for `provider` (the caller chooses the scope: a school's own,
    or none in cross-tenant modules). `doing` ("start a new SLA with it") ends a refusal."""
    la = school.local_authority if school.local_authority_id else None
    if la is None:
        return CommissioningCheck(status=None)
    status = (ProviderListing.objects.filter(provider=provider, local_authority_id=la.pk)
              .values_list("status", flat=True).first())
    names = {"la": la.name, "provider": provider.name}
    if status in REFUSED_STATUSES:
        message = (f"{la.name} {_REFUSAL_WHY[status].format(**names)} in its directory, so schools should not "
                   "commission new places there.")
        if doing:
            message += f" You cannot {doing}. Existing SLAs stay in force and can still be amended or ended."
        else:
            message += " Choose another provider."
        return CommissioningCheck(status=status, refused=True, message=message)
    if status in WARNED_STATUSES:
        return CommissioningCheck(status=status, message=_WARNING_WHY[status].format(**names))
    return CommissioningCheck(status=status)


# --- The approved list: qa_framework decides, providers keeps the current value -------------

ListingDecider = Callable[..., object]  # (local_authority=, provider=, status=, reason=, by=, now=) -> decision
HistorySource = Callable[..., list]  # (provider=, viewer=) -> rows of the LA's decisions the viewer may read
_listing_decider: list[ListingDecider] = []
_approval_history: list[HistorySource] = []


def register_listing_decider(decider: ListingDecider) -> None:
    """qa_framework registers its decision service: an LA's change of a listing's status (approve,
    suspend...) is recorded as an approval decision, which then writes the status here."""
    _listing_decider[:] = [decider]


def decide_listing_status(*, local_authority: Organisation, provider: Organisation, status: str, reason: str,
                          by, now: dt.datetime):
    if not _listing_decider:
        raise RuntimeError("no approval decision service is registered (qa_framework)")
    return _listing_decider[0](local_authority=local_authority, provider=provider, status=status, reason=reason,
                               by=by, now=now)


def register_approval_history(source: HistorySource) -> None:
    """qa_framework registers how the directory page reads a provider's decisions."""
    _approval_history[:] = [source]


def approval_history(*, provider: Organisation, viewer) -> list:
    return _approval_history[0](provider=provider, viewer=viewer) if _approval_history else []


def listing_status_write(*, local_authority: Organisation, provider: Organisation, status: str, by,
                         now: dt.datetime) -> ProviderListing:
    """Set the listing's current status (listing the provider if the LA had not). Called only by
    the approval decision service (qa_framework.approval), inside its transaction."""
    from . import services

    return services.listing_status_store(local_authority=local_authority, provider=provider, status=status,
                                         by=by, now=now)


def providers_for_referral(school: Organisation):
    """Providers a school may refer to: those its LA lists first (approved, approved with
    conditions, then listed and not yet quality assured), then active providers its LA does not
    list. Providers its LA refuses (suspended, not approved, withdrawn, lapsed) are left out.

    Runs in the school's scope: the scoping layer shows a school its own LA's listings only."""
    status = Subquery(ProviderListing.objects.filter(provider=OuterRef("pk")).values("status")[:1])
    return (
        Organisation.objects.filter(kind=OrganisationKind.PROVIDER, is_active=True)
        .annotate(la_listing=status)
        .filter(Q(la_listing__isnull=True) | ~Q(la_listing__in=REFUSED_STATUSES))
        .annotate(la_order=Case(When(la_listing=ListingStatus.APPROVED, then=Value(0)),
                                When(la_listing=ListingStatus.CONDITIONS, then=Value(1)),
                                When(la_listing=ListingStatus.LISTED, then=Value(2)),
                                default=Value(3), output_field=IntegerField()))
        .order_by("la_order", "name")
    )


def full_time_hours() -> Decimal:
    """More than this many hours a week is full time for the registration test."""
    return Decimal(str(conf.get("APC_FULL_TIME_HOURS")))


@dataclass(frozen=True)
class RegistrationFigures:
    """The one source of a provider's registration numbers (issue 9): pupils placed through the
    service, counted from their placements, plus the pupils the provider declares it teaches from
    elsewhere. The directory and the agreement check both show these."""

    counted: PupilCounts
    declared: PupilCounts
    assessment: RegistrationAssessment

    @property
    def total(self) -> PupilCounts:
        return self.counted + self.declared


def registration_figures(*, provider: Organisation, on: dt.date, counted: PupilCounts | None = None) -> RegistrationFigures:
    """The registration test for `provider` on `on`. `counted` defaults to what the registered
    sources count (every placement there); the agreement check passes its own count (the same
    source, with the placement being agreed in or out). The declared pupils are read in the
    caller's scope: every organisation that sees the provider's pack sees its declared groups."""
    if counted is None:
        counted = sum((source(provider=provider, on=on) for source in _counted_pupils), PupilCounts())
    declared = rules.pupil_counts(load for group in selectors.pupil_groups_for(provider=provider)
                                  for load in group.loads())
    return RegistrationFigures(counted=counted, declared=declared,
                               assessment=rules.registration_from_counts(counted + declared))
