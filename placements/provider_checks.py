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
