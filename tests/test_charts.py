"""The one chart mechanism (apcommission/charts.py, templates/includes/chart.html; issue 14 item 7):
geometry from figures, values written on the bars, a target line, a text summary and a data table."""

from __future__ import annotations

from decimal import Decimal

from bs4 import BeautifulSoup
from django.template.loader import render_to_string

from apcommission import charts

DATA = [charts.Datum("Pathways", 300, "£300"), charts.Datum("Forge Skills", 1200, "£1,200", flagged=True,
                                                             table_text="£1,200 (over budget)"),
        charts.Datum("Green Shoots", None, "None", table_text="No spend")]


def _horizontal(**extra):
    return charts.horizontal_bars(DATA, slug="spend", title="Spend by provider", description="Spend text",
                                  caption="How to read", columns=("Provider", "Spend"), **extra)


def test_nice_max_rounds_the_axis_up_to_a_round_number():
    assert [charts.nice_max(v) for v in ([7], [12], [1200], [0.3], [], [None], [Decimal("99.5")])] == [
        10.0, 20.0, 2000.0, 0.5, 1.0, 1.0, 100.0]


def test_vertical_bars_are_as_tall_as_their_value_and_the_target_line_sits_at_its_value():
    data = [charts.Datum(f"Week {i}", v, f"{v}%") for i, v in enumerate((100, 50, 0))]
    chart = charts.vertical_bars(data, slug="trend", title="Trend", description="d", caption="c",
                                 columns=("Week", "Attendance"), top=100, target=50, target_text="Target 50%")
    full, half, empty = chart.bars
    assert full.height == 2 * half.height and empty.height == 0
    assert half.y == chart.target.y1 == chart.target.y2  # the line crosses exactly at the half bar's top
    assert full.x < half.x < empty.x and full.width == half.width
    assert [t.text for t in chart.ticks] == ["0", "50", "100"]
    assert full.text_y < full.y  # the value is written above its bar


def test_vertical_bars_label_at_most_about_ten_bars():
    data = [charts.Datum(f"Week {i}", i, str(i), short=f"W{i}") for i in range(30)]
    chart = charts.vertical_bars(data, slug="t", title="T", description="", caption="", columns=("W", "V"))
    labels = [b.label for b in chart.bars if b.label]
    assert labels[:2] == ["W0", "W3"] and len(labels) == 10


def test_horizontal_bars_grow_from_the_same_edge_in_proportion_and_shorten_long_labels():
    long = charts.Datum("The Very Long Named Alternative Provider Trust", 600, "£600")
    chart = charts.horizontal_bars([*DATA, long], slug="s", title="S", description="", caption="",
                                   columns=("P", "S"))
    pathways, forge, green, longest = chart.bars
    assert pathways.x == forge.x == green.x  # every bar starts at the axis
    assert forge.width == 4 * pathways.width and green.width == 0
    assert pathways.y < forge.y < green.y and chart.height > 4 * 30
    assert longest.label.endswith("…") and len(longest.label) <= 26 and longest.datum.label.startswith("The Very")
    assert pathways.text_x > pathways.x + pathways.width  # the value is written after the bar


def test_summary_names_the_highest_and_lowest_and_says_when_there_is_nothing():
    assert charts.summary(DATA, what="Spend by provider", noun="providers", none="No spend.") == (
        "Spend by provider, 2 providers. Highest: Forge Skills, £1,200. Lowest: Pathways, £300.")
    assert charts.summary(DATA[:1], what="Spend", noun="providers", none="-") == "Spend: Pathways, £300."
    assert charts.summary(DATA[2:], what="Spend", noun="providers", none="No spend.") == "No spend."


def test_the_include_draws_an_accessible_image_with_values_a_summary_and_the_same_figures_as_a_table():
    page = BeautifulSoup(render_to_string("includes/chart.html", {"chart": _horizontal(target=1000,
                                                                                        target_text="Budget £1,000")}),
                         "html.parser")
    svg = page.select_one("svg")
    assert svg["role"] == "img" and svg["aria-labelledby"] == "spend-title spend-desc"
    assert svg.find("title").get_text() == "Spend by provider" and svg.find("desc").get_text() == "Spend text"
    assert [t.get_text() for t in svg.select("g text")] == ["£300", "Pathways", "£1,200", "Forge Skills", "None",
                                                            "Green Shoots"]
    assert [r["fill"] for r in svg.select("rect")] == ["#1d70b8", "#d4351c"]  # no bar for "None"
    assert "Budget £1,000" in svg.get_text()
    assert page.select_one('[data-testid="chart-summary"]').get_text() == "Spend text"
    assert page.select_one("details summary").get_text(" ", strip=True).startswith("Show the figures as a table")
    rows = [" ".join(tr.get_text(" ").split()) for tr in page.select('[data-testid="spend"] tbody tr')]
    assert rows == ["Pathways £300", "Forge Skills £1,200 (over budget)", "Green Shoots No spend"]
    assert [th.get_text() for th in page.select('[data-testid="spend"] thead th')] == ["Provider", "Spend"]


def test_the_include_opens_the_table_for_print_and_pdf():
    page = BeautifulSoup(render_to_string("includes/chart.html", {"chart": _horizontal(), "open_table": True}),
                         "html.parser")
    assert page.select_one("details") is None and len(page.select('[data-testid="spend"] tbody tr')) == 3
    assert page.select_one("svg").find("line", attrs={"stroke-dasharray": True}) is None  # no target, no line
