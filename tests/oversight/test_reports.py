"""The report figures (oversight/reports.py, issue 14 item 3) from hand-built rows: periods from a
calendar, and a seeded term with known sessions, destinations and spend giving known totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from oversight import reports
from oversight.reports import PlacementRow, SessionCount
from oversight.reports_charts import report_charts

D = dt.date
LA, SCHOOL, OTHER = 1, 2, 3
AUTUMN = (LA, 2026, "autumn", D(2026, 9, 2), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30))
SPRING = (LA, 2026, "spring", D(2027, 1, 5), D(2027, 3, 26), D(2027, 2, 15), D(2027, 2, 19))
SUMMER = (LA, 2026, "summer", D(2027, 4, 12), D(2027, 7, 21), None, None)


def test_a_calendar_offers_the_year_its_terms_and_their_halves():
    periods = reports.periods_from_terms([SUMMER, AUTUMN, SPRING])
    assert [(p.key, p.label) for p in periods[:4]] == [
        ("2026", "Academic year 2026/27"), ("2026-autumn", "Autumn term 2026/27"),
        ("2026-autumn-1", "Autumn term 2026/27, first half"), ("2026-autumn-2", "Autumn term 2026/27, second half")]
    halves = {p.key: (p.start, p.end) for p in periods}
    assert halves["2026-autumn-1"] == (D(2026, 9, 2), D(2026, 10, 25))
    assert halves["2026-autumn-2"] == (D(2026, 10, 31), D(2026, 12, 18))
    assert "2026-summer" in halves and "2026-summer-1" not in halves  # no half term: no halves
    assert halves["2026"] == (D(2026, 8, 1), D(2027, 7, 31))


def test_the_default_is_this_term_else_the_last_one_started_else_the_year():
    periods = reports.periods_from_terms([AUTUMN, SPRING, SUMMER])
    assert reports.default_period(periods, D(2026, 11, 25)).key == "2026-autumn"
    assert reports.default_period(periods, D(2026, 12, 28)).key == "2026-autumn"  # Christmas holidays
    assert reports.default_period(periods, D(2027, 2, 17)).key == "2026-spring"  # half term is in the term
    assert reports.chosen_period(periods, "2026-spring-2", D(2026, 11, 25)).key == "2026-spring-2"
    assert reports.chosen_period(periods, "1999", D(2026, 11, 25)).key == "2026-autumn"  # unknown: the default
    no_calendar = reports.period_choices([], D(2026, 11, 25))
    assert [(p.key, p.start, p.end) for p in no_calendar] == [("2026", D(2026, 8, 1), D(2027, 7, 31))]


def test_a_school_with_its_own_dates_for_a_year_follows_them_and_a_trust_spans_its_schools():
    own = (SCHOOL, 2026, "autumn", D(2026, 9, 7), D(2026, 12, 16), D(2026, 10, 19), D(2026, 10, 23))
    assert reports.school_terms([AUTUMN, SPRING, own], school_id=SCHOOL, la_id=LA) == [own]
    assert reports.school_terms([AUTUMN, SPRING], school_id=SCHOOL, la_id=LA) == [AUTUMN, SPRING]
    trust = reports.periods_from_terms([AUTUMN, own])
    autumn = next(p for p in trust if p.key == "2026-autumn")
    assert (autumn.start, autumn.end) == (D(2026, 9, 2), D(2026, 12, 18))  # earliest first day, latest last


TERM = reports.Period("2026-autumn", "Autumn term 2026/27", D(2026, 9, 2), D(2026, 12, 18))
TODAY = D(2026, 11, 25)
ROWS = [
    # School 2: a running placement at Pathways, and one at Forge that ended with a destination.
    PlacementRow(10, SCHOOL, "Pathways", "B", D(2026, 9, 7), None, "", ""),
    PlacementRow(11, SCHOOL, "Forge Skills", "B", D(2026, 6, 1), D(2026, 10, 16), "completed", "further_education"),
    # School 3: LA-arranged at Pathways, ended without a destination recorded.
    PlacementRow(12, OTHER, "Pathways", "K", D(2026, 9, 14), D(2026, 11, 13), "ceased_progress", ""),
]
SESSIONS = [
    SessionCount(10, D(2026, 9, 7), 3, 4, 540),  # 3 of 4 sessions of 3 hours
    SessionCount(10, D(2026, 9, 14), 4, 4, 720),
    SessionCount(11, D(2026, 9, 7), 1, 4, 180),
    SessionCount(12, D(2026, 9, 14), 2, 2, 360),
    SessionCount(99, D(2026, 9, 14), 5, 5, 900),  # not one of the period's placements: left out
]
SPEND = {10: Decimal("1200.00"), 11: Decimal("300.00"), 99: Decimal("5000")}


def test_a_seeded_term_gives_known_totals():
    report = reports.build_report(TERM, ROWS, SESSIONS, SPEND, today=TODAY)
    total = report.total
    assert (total.placements, total.attended, total.expected) == (3, 10, 14)
    assert total.percent == Decimal("71.4") and total.attended_hours == Decimal("30.0")
    # Value for money: £1,500 over the 2 placements invoiced, and their 24 attended hours.
    assert (total.spend, total.with_spend, total.cost_per_placement) == (Decimal("1500.00"), 2, Decimal("750.00"))
    assert total.cost_per_hour == Decimal("62.50")  # 1500 / (9 + 12 + 3) hours
    school = report.by_school[SCHOOL]
    assert (school.placements, school.percent, school.spend) == (2, Decimal("66.7"), Decimal("1500.00"))
    other = report.by_school[OTHER]
    assert (other.placements, other.percent, other.has_spend, other.cost_per_hour) == (1, Decimal("100.0"), False, None)
    providers = {name: f for name, f in report.by_provider}
    assert list(providers) == ["Forge Skills", "Pathways"]
    assert providers["Pathways"].placements == 2 and providers["Pathways"].cost_per_hour == Decimal("57.14")  # £1,200 / 21 h
    assert providers["Forge Skills"].cost_per_hour == Decimal("100.00")
    assert report.by_code == [("B – school-arranged off-site alternative provision", 2),
                              ("K – provision arranged by the local authority", 1)]
    assert report.end_reasons == [("Completed the planned placement", 1), ("Ceased: lack of progress", 1)]
    destinations = dict(report.destinations)
    assert destinations["Further education"] == 1 and destinations["Not recorded"] == 1
    assert destinations["Not in education, employment or training (NEET)"] == 0 and report.ended == 2
    # Length: 1 Jun to 16 Oct is 138 days (19.7 weeks), 14 Sep to 13 Nov 61 (8.7); running: 7 Sep to today 80 (11.4).
    assert report.length == reports.Length(2, Decimal("14.2"), 1, Decimal("11.4"))
    assert [(w.week_start, w.attended, w.expected) for w in report.weeks[SCHOOL][:3]] == [
        (D(2026, 8, 31), 0, 0), (D(2026, 9, 7), 4, 8), (D(2026, 9, 14), 4, 4)]


def test_without_authorised_invoices_there_is_no_cost_and_no_spend_chart():
    report = reports.build_report(TERM, ROWS, SESSIONS, {}, today=TODAY)
    assert report.total.cost_per_placement is None and report.total.cost_per_hour is None
    charts = report_charts(report, [SimpleNamespace(pk=SCHOOL, name="Hillside", target=90)], today=TODAY)
    assert charts["spend"] is None
    assert charts["destinations"].description == (
        "2 placements ended in the period: Further education 1, Not recorded 1.")


def test_the_charts_carry_the_reports_figures():
    report = reports.build_report(TERM, ROWS, SESSIONS, SPEND, today=TODAY)
    school = SimpleNamespace(pk=SCHOOL, name="Hillside", target=90)
    charts = report_charts(report, [school], today=TODAY)
    (_, attendance), = charts["attendance"]
    assert attendance.title == "Attendance week by week at Hillside"
    weeks = {bar.datum.label: bar.datum for bar in attendance.bars}
    assert weeks["7 September 2026"].table_text == "50.0% (below target)" and weeks["7 September 2026"].flagged
    assert weeks["14 September 2026"].text == "100%" and not weeks["14 September 2026"].flagged
    assert len(attendance.bars) == 13  # weeks from 31 August to the week of today (23 November)
    assert "2 weeks with sessions" in attendance.description and "1 of 2 weeks below the target of 90%" in (
        attendance.description)
    spend = charts["spend"]
    assert [(b.datum.label, b.datum.text, b.datum.cells) for b in spend.bars] == [
        ("Forge Skills", "£300", ("1", "£300", "£100")), ("Pathways", "£1,200", ("1", "£1,200", "£57.14"))]
