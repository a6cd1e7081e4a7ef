"""Settings read by the notifications app, each with a default (override in settings if needed).

Read through `get()` (not at import time) so tests can change them with `settings`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

DEFAULTS = {
    # Attempts at emailing one notification before it is marked "failed" (the admin can resend).
    "APC_NOTIFICATION_MAX_ATTEMPTS": 5,
    # Minutes to wait after the 1st, 2nd, 3rd... failed attempt; the last figure repeats.
    # With the defaults: 1, 5, 30 and 120 minutes, so a fifth and last attempt about 2.5 hours on.
    "APC_NOTIFICATION_RETRY_MINUTES": (1, 5, 30, 120),
    # Local time (Europe/London) the daily digest of non-urgent notifications is sent.
    "APC_NOTIFICATION_DIGEST_TIME": dt.time(7, 0),
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def retry_wait(failed_attempts: int) -> dt.timedelta:
    """How long to wait after the `failed_attempts`-th failed attempt (1-based)."""
    schedule = tuple(get("APC_NOTIFICATION_RETRY_MINUTES"))
    return dt.timedelta(minutes=schedule[min(max(failed_attempts, 1), len(schedule)) - 1])


def claim_lease_seconds() -> int:
    """A claim older than this belongs to a delivery that died mid-send: a task is killed at
    CELERY_TASK_TIME_LIMIT, so twice that is safely past any delivery still running."""
    return 2 * int(getattr(settings, "CELERY_TASK_TIME_LIMIT", None) or 300)
