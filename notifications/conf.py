"""Settings read by the notifications app, each with a default (override in settings if needed).

Read through `get()` (not at import time) so tests can change them with `settings`.
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # Attempts at emailing one notification before it is marked "failed" (the admin can resend).
    "APC_NOTIFICATION_MAX_ATTEMPTS": 6,
    # Wait after the first failed attempt; doubled after each further one, up to the maximum.
    # With the defaults: 2, 4, 8, 16 and 32 minutes, about an hour before giving up.
    "APC_NOTIFICATION_RETRY_SECONDS": 120,
    "APC_NOTIFICATION_RETRY_MAX_SECONDS": 60 * 60,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def claim_lease_seconds() -> int:
    """A claim older than this belongs to a delivery that died mid-send: a task is killed at
    CELERY_TASK_TIME_LIMIT, so twice that is safely past any delivery still running."""
    return 2 * int(getattr(settings, "CELERY_TASK_TIME_LIMIT", None) or 300)
