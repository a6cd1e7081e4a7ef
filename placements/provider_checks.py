"""The provider directory's rules, as the placements app uses them.

`providers.rules.registration_required` and `providers.selectors.suitability_signoff_current` are
written in the providers app; they are imported when called so the two apps can be built in
parallel. Tests replace these adapter functions, never the providers app itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from tenancy.scoping import scopes_disabled


def suitability_current(*, school, provider, on: dt.date) -> bool:
    """Has the school a current suitability sign-off for the provider? (provider directory issue)"""
    from providers.selectors import suitability_signoff_current

    with scopes_disabled():  # a read about one school–provider pair, whatever scope the caller is in
        return bool(suitability_signoff_current(school=school, provider=provider, on=on))


def provider_is_registered(provider) -> bool:
    """Is the provider a registered school (independent school, PRU, AP academy)?

    Uses `providers.selectors.provider_is_registered` when the directory defines it; until then a
    provider counts as unregistered, the safe reading for non-school AP.
    """
    try:
        from providers import selectors
    except ImportError:
        return False
    check = getattr(selectors, "provider_is_registered", None)
    if check is None:
        return False
    with scopes_disabled():
        return bool(check(provider=provider))


@dataclass(frozen=True)
class RegistrationCheck:
    required: bool
    registered: bool
    required_without_this: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        """Agreeing would mean using a provider that must register and has not (seed 001 §7)."""
        return self.required and not self.registered


def registration_check(*, provider, loads: list[dict], this_load: dict) -> RegistrationCheck:
    """Evaluate the directory's registration rule with and without the placement being agreed.

    `loads` are the provider's other pupils; each load is a dict of PupilLoad's fields.
    """
    from providers.rules import PupilLoad, registration_required

    def assess(rows):
        return registration_required([PupilLoad(**{**row, "weekly_hours": Decimal(row["weekly_hours"])})
                                      for row in rows])

    with_this = assess([*loads, this_load])
    without = assess(loads)
    return RegistrationCheck(
        required=bool(with_this.required), registered=provider_is_registered(provider),
        required_without_this=bool(without.required), reasons=[str(r) for r in getattr(with_this, "reasons", [])],
    )


def providers_for_referral(school):
    """Providers a school may refer to: those its LA lists first (approved, then listed), then
    active providers its LA does not list. Providers its LA has suspended are left out.

    Runs in the school's scope: the scoping layer shows a school its own LA's listings only."""
    from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When

    from providers.models import ListingStatus, ProviderListing
    from tenancy.models import Organisation
    from tenancy.roles import OrganisationKind

    status = Subquery(ProviderListing.objects.filter(provider=OuterRef("pk")).values("status")[:1])
    return (
        Organisation.objects.filter(kind=OrganisationKind.PROVIDER, is_active=True)
        .annotate(la_listing=status)
        .filter(Q(la_listing__isnull=True) | ~Q(la_listing=ListingStatus.SUSPENDED))
        .annotate(la_order=Case(When(la_listing=ListingStatus.APPROVED, then=Value(0)),
                                When(la_listing=ListingStatus.LISTED, then=Value(1)),
                                default=Value(2), output_field=IntegerField()))
        .order_by("la_order", "name")
    )


def suspended_for(*, school, provider) -> bool:
    """Has the school's LA suspended the provider ("schools should not commission new places")?"""
    from providers.models import ListingStatus, ProviderListing

    if not school.local_authority_id:
        return False
    with scopes_disabled():  # one school–provider pair, whatever scope the caller is in
        return ProviderListing.objects.filter(local_authority_id=school.local_authority_id, provider=provider,
                                              status=ListingStatus.SUSPENDED).exists()


SUSPENDED_MESSAGE = ("{provider} has been suspended by {la}: schools should not commission new places there. "
                     "Choose another provider.")


def suspended_problem(*, school, provider) -> str:
    if not suspended_for(school=school, provider=provider):
        return ""
    return SUSPENDED_MESSAGE.format(provider=provider.name, la=school.local_authority.name)
