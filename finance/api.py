"""What other apps may read from finance: figures only, through the scoping layer.

Reports (oversight) read spend from here and never from finance's models directly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum


def spend_by_placement(placement_ids: Iterable[int], *, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Authorised invoice spend (net of VAT, in pounds to the penny) per placement for invoice periods
    that overlap start..end, read in the current scope. Placements with no spend are absent.

    A line charged per placement counts for its placement. A line charged for the SLA as a whole
    (per week, per term: no placement) is shared equally between the placements the SLA covers, to
    the penny (the odd pennies go to the lowest ids first). Two queries whatever the number of
    placements: the per-placement sums, and the SLA-level lines with the SLAs' placements."""
    from .models import InvoiceLine, InvoiceStatus

    wanted = set(placement_ids)
    if not wanted:
        return {}
    lines = InvoiceLine.objects.filter(invoice__status=InvoiceStatus.AUTHORISED, invoice__period_start__lte=end,
                                       invoice__period_end__gte=start)
    spend: dict[int, Decimal] = defaultdict(Decimal)
    for placement_id, net in (lines.filter(placement_id__in=wanted).values("placement_id")
                              .annotate(net=Sum("net")).values_list("placement_id", "net")):
        spend[placement_id] += net
    shared: dict[int, tuple[Decimal, list[int]]] = {}
    sla_level = lines.filter(placement__isnull=True, invoice__sla__placements__in=wanted).values("pk")
    for line_id, net, placement_id in (InvoiceLine.objects.filter(pk__in=sla_level)
                                       .values_list("pk", "net", "invoice__sla__placements")
                                       .order_by("pk", "invoice__sla__placements")):
        shared.setdefault(line_id, (net, []))[1].append(placement_id)
    for net, covered in shared.values():
        for placement_id, part in zip(covered, share(net, len(covered)), strict=True):
            if placement_id in wanted:
                spend[placement_id] += part
    return dict(spend)


def share(amount: Decimal, parts: int) -> list[Decimal]:
    """`amount` in `parts` equal shares to the penny that add up to it (odd pennies first)."""
    pennies = int((amount * 100).to_integral_value())
    base, odd = divmod(pennies, parts)
    return [Decimal(base + (1 if i < odd else 0)) / 100 for i in range(parts)]
