"""The reports' charts (issue 14 item 7), drawn by the one chart mechanism (apcommission/charts.py):
attendance week by week per school, outcomes by destination, spend by provider. Pure functions of a
built report (oversight/reports.py)."""

from __future__ import annotations

import datetime as dt

from apcommission import charts
from attendance import rules as attendance_rules
from placements.templatetags.formatting import money

from .reports import Report


def attendance_chart(school, weeks: list[attendance_rules.WeekFigure]) -> charts.Chart:
    """A school's attendance each week of the period, against its target."""
    data = attendance_rules.week_bars(weeks, target=school.target)
    counted = [w for w in weeks if w.percent is not None]
    below = sum(1 for w in counted if attendance_rules.below_target(w.attended, w.expected, school.target))
    description = charts.summary(data, what=f"Attendance at {school.name} each week", noun="weeks with sessions",
                                 none=f"No sessions at {school.name} in this period.")
    if counted:
        description += f" {below} of {len(counted)} weeks below the target of {school.target}%."
    return charts.vertical_bars(
        data, slug=f"attendance-{school.pk}", title=f"Attendance week by week at {school.name}",
        description=description,
        caption=f"Each bar is one week's attendance across the school's placements, its percentage written above "
                f"it; the dashed line is the school's target of {school.target}%.",
        columns=attendance_rules.WEEK_COLUMNS, top=100, target=school.target, target_text=f"Target {school.target}%",
        tick_format=attendance_rules.percent_tick)


def destinations_chart(report: Report) -> charts.Chart:
    data = [charts.Datum(label, n, str(n)) for label, n in report.destinations]
    return charts.horizontal_bars(
        data, slug="destinations", title="Outcomes by destination",
        description=destinations_summary(report),
        caption="Each bar is the number of placements that ended in the period with that destination.",
        columns=("Destination", "Placements"), tick_format=lambda v: f"{v:.0f}" if v == int(v) else "")


def destinations_summary(report: Report) -> str:
    if not report.ended:
        return "No placement ended in this period."
    parts = ", ".join(f"{label} {n}" for label, n in report.destinations if n)
    return f"{report.ended} placement{'s' if report.ended != 1 else ''} ended in the period: {parts}."


def spend_chart(report: Report) -> charts.Chart:
    data = [charts.Datum(name, figures.spend, money(figures.spend),
                         cells=(str(figures.with_spend), _or_dash(figures.cost_per_placement),
                                _or_dash(figures.cost_per_hour)))
            for name, figures in report.by_provider if figures.has_spend]
    return charts.horizontal_bars(
        data, slug="spend", title="Spend by provider",
        description=charts.summary(data, what="Authorised spend by provider", noun="providers",
                                   none="No authorised invoices for this period."),
        caption="Each bar is the authorised invoice spend (net of VAT) with that provider for the period.",
        columns=("Provider", "Placements invoiced", "Per placement", "Per attended hour", "Spend"),
        tick_format=lambda v: money(round(v)))


def _or_dash(value) -> str:
    return money(value) if value is not None else "Not known"


def report_charts(report: Report, schools, *, today: dt.date) -> dict:
    """Every chart of a report: `attendance` (per school, in the schools' order), `destinations` and
    `spend` (None without authorised spend)."""
    last = min(report.period.end, today)
    attendance = []
    for school in schools:
        weeks = [w for w in report.weeks.get(school.pk, []) if w.week_start <= last]
        if not weeks:
            weeks = attendance_rules.week_buckets({}, first=report.period.start, last=last)
        attendance.append((school, attendance_chart(school, weeks)))
    return {"attendance": attendance, "destinations": destinations_chart(report),
            "spend": spend_chart(report) if report.total.has_spend else None}
