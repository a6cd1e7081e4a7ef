"""Isolation specs of the termly report and weekly behaviour update pages (monitoring/reports_views.py,
issue 12 item 5): a school reaches its placements' submitted reports, a provider the reports it owes;
trusts and LAs none; another side's report is a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

from .registry import UrlSpec
from .urls_attendance_reports import _placement  # the side's active placement, built once

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
COMPLETE = {"attendance_percent": Decimal("100"), "punctuality": "On time", "attitude": "Keen",
            "engagement": "Good", "behaviour": "Calm", "skills_covered": "Welding", "next_targets": "Level 2"}


def _report(world, side, *, submit):
    """A fresh report on the side's placement (a new term each time), submitted by the provider if asked."""
    from monitoring import reports_services
    from monitoring.models import TermlyReport
    from tenancy.scoping import scope, scopes_disabled

    placement = _placement(world, side)
    with scopes_disabled():
        start = dt.date(2026, 9, 1) + dt.timedelta(days=TermlyReport.objects.filter(placement=placement).count())
        report = TermlyReport.objects.create(placement=placement, school_id=placement.school_id,
                                             provider_id=placement.provider_id, term_start=start,
                                             term_end=dt.date(2026, 12, 16), due_on=dt.date(2026, 12, 16),
                                             created_at=NOW)
    if submit:
        provider = placement.provider
        with scope(organisation=provider):
            reports_services.report_save(report=report, values=COMPLETE, submit=True, now=NOW, organisation=provider,
                                         by=world.user(K.PROVIDER, Role.PROVIDER_MANAGER, side))
    return {"pk": report.pk}


def _submitted(world, side):
    return _report(world, side, submit=True)


def _due(world, side):
    return _report(world, side, submit=False)


def _placement_kwargs(world, side):
    return {"pk": _placement(world, side).pk}


URLS = {
    "monitoring:report_list": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "monitoring:behaviour_update_create": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "monitoring:report_detail": UrlSpec(kwargs=_submitted, school_owned=True),
    "monitoring:report_edit": UrlSpec(kwargs=_due, school_owned=True),
    "monitoring:report_acknowledge": UrlSpec(kwargs=_submitted, school_owned=True),
    "monitoring:report_pdf": UrlSpec(kwargs=_submitted, school_owned=True),
}
