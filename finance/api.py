"""What other apps may read from finance: figures only, through the scoping layer.

Reports (oversight) read spend from here and never from finance's models directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal


def spend_by_placement(placement_ids: Iterable[int], *, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Authorised invoice spend (net of VAT, in pounds to the penny) per placement for invoice periods
    that overlap start..end, read in the current scope. Placements with no spend are absent."""
    return {}
