"""Numbers the service's rules use, for the words on its pages.

User-facing text never repeats a configured number ("within 30 days", "12 months", "more than 18
hours"): templates read `rules.<name>` and Python text reads `rule_numbers()[name]`, both from the
settings each app's `conf.get` reads (with its defaults), at the time of the request.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import SimpleLazyObject

# name on the page → (app conf module, setting)
RULE_NUMBERS: dict[str, tuple[str, str]] = {
    "full_time_hours": ("providers.conf", "APC_FULL_TIME_HOURS"),
    "registration_pupils": ("providers.conf", "APC_REGISTRATION_PUPIL_THRESHOLD"),
    "expiry_warning_days": ("providers.conf", "APC_EXPIRY_WARNING_DAYS"),
    "suitability_valid_months": ("providers.conf", "APC_SUITABILITY_VALID_MONTHS"),
    "kcsie_confirmation_months": ("providers.conf", "APC_KCSIE_CONFIRMATION_MONTHS"),
    "initial_assessment_days": ("placements.conf", "APC_INITIAL_ASSESSMENT_DAYS"),
    "full_time_hours_ks4": ("placements.conf", "APC_FULL_TIME_HOURS_KS4"),
}


def rule_numbers() -> dict:
    """Every rule number by its page name, as currently configured."""
    from importlib import import_module

    numbers = {name: import_module(module).get(setting) for name, (module, setting) in RULE_NUMBERS.items()}
    numbers["invitation_days"] = settings.INVITATION_TTL_DAYS
    return numbers


def rules(request) -> dict:
    return {"rules": SimpleLazyObject(rule_numbers)}
