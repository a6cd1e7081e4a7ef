"""The provider directory's facts and rules, as the placements app uses them.

Everything here goes through `providers.api` (the providers app's public read API); reads across
tenants go through `placements.cross_tenant`, which returns yes/no facts and counts only. Tests may
replace these adapter functions, never the providers app itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from providers import api as providers_api

from . import cross_tenant


def suitability_current(*, school, provider, on: dt.date) -> bool:
    """Has the school a current suitability sign-off for the provider? (provider directory issue)"""
    return cross_tenant.suitability_current(school=school, provider=provider, on=on)


def provider_is_registered(provider) -> bool:
    """Is the provider a registered school (independent school, PRU, AP academy)?"""
    return cross_tenant.provider_is_registered(provider=provider)


@dataclass(frozen=True)
class RegistrationCheck:
    required: bool
    registered: bool
    required_without_this: bool
    reasons: list[str] = field(default_factory=list)
    figures: providers_api.RegistrationFigures | None = None  # with this placement: the directory's numbers

    @property
    def blocking(self) -> bool:
        """Agreeing would mean using a provider that must register and has not (seed 001 §7)."""
        return self.required and not self.registered


def registration_check(*, provider, on: dt.date, placement_id: int | None, pupil_id: int,
                       weekly_hours: Decimal) -> RegistrationCheck:
    """The directory's registration test for the provider with and without this placement at
    `weekly_hours` a week: the same figures the directory shows (providers.api.registration_figures),
    counted across every school by placements.cross_tenant."""
    without = cross_tenant.registration_figures(provider=provider, on=on, exclude_placement_id=placement_id)
    with_this = cross_tenant.registration_figures(provider=provider, on=on, exclude_placement_id=placement_id,
                                                  add_pupil_id=pupil_id, add_hours=Decimal(weekly_hours))
    return RegistrationCheck(
        required=with_this.assessment.required, registered=provider_is_registered(provider),
        required_without_this=without.assessment.required, reasons=list(with_this.assessment.reasons),
        figures=with_this,
    )


def providers_for_referral(school):
    """Providers a school may refer to (its LA's listed providers first; suspended ones left out)."""
    return providers_api.providers_for_referral(school)


def suspended_for(*, school, provider) -> bool:
    """Has the school's LA suspended the provider ("schools should not commission new places")?"""
    return cross_tenant.suspended_for(school=school, provider=provider)


def suspended_problem(*, school, provider) -> str:
    """Why the school's LA refuses new places at the provider ("" when it does not): suspended,
    not approved, withdrawn, or approval lapsed (providers.api.commissioning_check). Read in the
    caller's scope: the school and the provider both see the LA's listing of the provider."""
    check = providers_api.commissioning_check(school=school, provider=provider)
    return check.message if check.refused else ""


def commissioning_warning(*, school, provider) -> str:
    """What the school should know first ("" when nothing): the LA approved the provider with
    conditions, or lists it without having quality assured it yet."""
    check = providers_api.commissioning_check(school=school, provider=provider)
    return check.message if check.warned else ""
