"""Settings read by the providers app, each with a default (override in settings if needed).

Read through these functions (not at import time) so tests can change them with `settings`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    # Registration law (seed 001 §5-6): full-time means MORE than this many hours a week...
    "APC_FULL_TIME_HOURS": Decimal("18"),
    # ...and registration is required for this many full-time compulsory-school-age pupils
    # (or for one who is looked after or has an EHC plan).
    "APC_REGISTRATION_PUPIL_THRESHOLD": 5,
    # Uploaded policy documents and certificates.
    "APC_UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    # Reminders: "expires within N days" threshold.
    "APC_EXPIRY_WARNING_DAYS": 30,
    # A school's suitability sign-off stays current for this many months.
    "APC_SUITABILITY_VALID_MONTHS": 12,
    # A provider's written KCSIE confirmation is current for this many months.
    "APC_KCSIE_CONFIRMATION_MONTHS": 12,
    # DBS: re-check after this many months, or yearly status check when on the update service.
    "APC_DBS_RECHECK_MONTHS": 36,
    "APC_DBS_UPDATE_SERVICE_CHECK_MONTHS": 12,
    # Safeguarding training: level 2 yearly; level 3/4 (managers, DSLs) every 2 years (seed 001 §18 1b, 1f).
    "APC_TRAINING_LEVEL2_MONTHS": 12,
    "APC_TRAINING_LEVEL3_MONTHS": 24,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
