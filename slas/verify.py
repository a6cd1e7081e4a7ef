"""Limits for the public /verify/ page: upload size (apcommission.uploads.SLA_VERIFY, setting or
environment APC_VERIFY_MAX_BYTES, default 5 MB — a signed SLA PDF is well under 1 MB) and a
per-client-IP rate limit in the cache (settings APC_VERIFY_RATE_LIMIT checks per
APC_VERIFY_RATE_WINDOW_SECONDS, default 30 an hour)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

DEFAULT_RATE_LIMIT = 30
DEFAULT_RATE_WINDOW_SECONDS = 60 * 60


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    count: int
    limit: int
    window: int  # seconds
    retry_after: int  # seconds until the window ends


def rate_limit(key: str) -> RateDecision:
    """Count one check for `key` in the current fixed window (real time, not the app clock, so a
    pinned demo clock cannot freeze the window). Atomic on Redis (INCR)."""
    limit = int(getattr(settings, "APC_VERIFY_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    window = int(getattr(settings, "APC_VERIFY_RATE_WINDOW_SECONDS", DEFAULT_RATE_WINDOW_SECONDS))
    now = time.time()
    bucket = int(now // window)
    cache_key = f"apc:verify-rate:{key}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 60)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 60)
        count = 1
    retry_after = max(1, int((bucket + 1) * window - now))
    return RateDecision(allowed=count <= limit, count=count, limit=limit, window=window, retry_after=retry_after)
