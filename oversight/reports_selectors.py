"""What the trust, school and governors' reports read (issue 14 item 3), through the scoping layer.

A trust's scope gives it its schools' placements and sessions, a school's its own; nothing here
filters by organisation to decide what a reader may see. The reads are a fixed handful of queries
whatever the number of placements: the period's placements (one query, with pupil, school and
provider), their sessions counted per placement and week (one grouped query), the schools and their
targets (one), the term dates (one) and the spend (finance.api, its own few).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncWeek
from django.http import Http404

from apcommission import clock
from attendance import rules as attendance_rules
from attendance.models import ExpectedSession, TermDates
from finance import api as finance_api
from placements import selectors as placement_selectors
from placements.models import IN_AP_STATES, Placement, State
from tenancy.models import Organisation
from tenancy.visibility import DataGroup, reader_for

from . import reports
from .reports_charts import report_charts

REPORTED_STATES = (*IN_AP_STATES, State.ENDED)


def trust_schools(trust: Organisation):
    """The trust's schools by name, each with its attendance `target` (one query)."""
    return list(trust.trust_schools.annotate(target=_target()).order_by("name", "pk"))


def trust_school(trust: Organisation, pk) -> Organisation:
    """One of the trust's schools (404 for any other organisation)."""
    try:
        return trust.trust_schools.annotate(target=_target()).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such school in this trust") from exc


def school_with_target(school: Organisation) -> Organisation:
    return Organisation.objects.annotate(target=_target()).get(pk=school.pk)


def _target():
    return Coalesce(F("attendance_settings__target_percent"), Value(attendance_rules.DEFAULT_TARGET),
                    output_field=IntegerField())


def periods_for(schools: list[Organisation], *, today: dt.date) -> list[reports.Period]:
    """The periods the schools' calendars offer (one query for their own and their LAs' term rows)."""
    owners = {s.pk for s in schools} | {s.local_authority_id for s in schools if s.local_authority_id}
    rows = list(TermDates.objects.filter(organisation_id__in=owners).values_list(*reports.TERM_COLUMNS))
    terms = [row for s in schools for row in reports.school_terms(rows, school_id=s.pk, la_id=s.local_authority_id)]
    return reports.period_choices(reports.periods_from_terms(terms), today)


def _placements(period: reports.Period, school: Organisation | None):
    qs = (Placement.objects.filter(state__in=REPORTED_STATES, start_date__isnull=False, start_date__lte=period.end)
          .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
          .select_related("pupil", "provider", "school")
          .order_by("pupil__last_name", "pupil__first_name", "pk"))
    return qs.filter(school=school) if school is not None else qs


def _session_counts(period: reports.Period, school: Organisation | None, *, now: dt.datetime):
    expected = attendance_rules.expected_q(now)
    attended = expected & attendance_rules.attended_q()
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    qs = ExpectedSession.objects.filter(date__range=(period.start, period.end))
    if school is not None:
        qs = qs.filter(school=school)
    rows = (qs.annotate(week=TruncWeek("date")).values("placement_id", "week")
            .annotate(expected=Count("pk", filter=expected), attended=Count("pk", filter=attended),
                      length=Sum(length, filter=attended))
            .order_by())
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]
        minutes = int(row["length"].total_seconds() // 60) if row["length"] else 0
        yield reports.SessionCount(row["placement_id"], week, row["attended"], row["expected"], minutes)


@dataclass
class PupilRow:
    """One placement in the school report's table, as this reader may read it."""

    label: object  # placements.selectors.PupilLabel
    placement: Placement
    weeks: Decimal
    figures: reports.Figures
    cost_shown: bool


@dataclass
class ReportView:
    report: reports.Report
    schools: list[Organisation]
    charts: dict
    pupils: list[PupilRow]
    costs_per_pupil: bool  # the reader reads DataGroup.COSTS: a pupil's own cost is shown


def report_for(*, period: reports.Period, schools: list[Organisation], school: Organisation | None,
               membership, now: dt.datetime, with_pupils: bool) -> ReportView:
    """The report of the period: of one school (`school`), or of every school the scope gives (a trust)."""
    today = now.astimezone(clock.LONDON).date()
    placements = list(_placements(period, school))
    rows = [reports.PlacementRow(p.pk, p.school_id, p.provider.name, p.registration_code, p.start_date, p.ended_on,
                                 p.end_reason, p.destination) for p in placements]
    spend = finance_api.spend_by_placement([p.pk for p in placements], start=period.start, end=period.end)
    report = reports.build_report(period, rows, _session_counts(period, school, now=now), spend, today=today)
    costs = reader_for(membership).can(DataGroup.COSTS)
    pupils = []
    if with_pupils:
        upto = min(period.end, today)
        for p in placements:
            last = p.ended_on if p.ended_on is not None and p.ended_on <= period.end else max(upto, p.start_date)
            pupils.append(PupilRow(placement_selectors.list_label(p, membership), p,
                                   reports.weeks_between(p.start_date, last), report.per_placement[p.pk], costs))
    return ReportView(report, schools, report_charts(report, schools, today=today), pupils, costs)
