"""The one chart mechanism (issue 14 item 7): bar charts as geometry, drawn by one template include.

A chart is computed here, in plain functions, and drawn by templates/includes/chart.html:

* `vertical_bars(...)` for trends (a bar per week or term, left to right);
* `horizontal_bars(...)` for categories (a bar per provider, school or destination, top to bottom:
  long names fit on the left, and a phone shows the bars one under the other).

Each chart is an SVG image (role="img", its title and a description) with every bar's value written
beside it, so nothing is told by colour alone; an optional target line carries its label; the same
figures follow as a data table (a <details> on pages, open when printed or in a PDF) and in a text
summary. A flagged bar (below target, say) is drawn in the warning colour AND its table cell says
why in words (`table_text`).

Nothing here queries the database or knows a domain: callers turn their figures into `Datum`s.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

VERTICAL, HORIZONTAL = "vertical", "horizontal"
WIDTH = 640
_V_HEIGHT = 260
_V_LEFT, _V_RIGHT, _V_TOP, _V_BOTTOM = 48, 8, 20, 44
_H_ROW, _H_LABEL, _H_RIGHT, _H_TOP, _H_BOTTOM = 30, 190, 96, 12, 28
_MAX_LABELS = 10  # a vertical chart labels at most about this many bars (the table has them all)
_LABEL_CHARS = 26  # horizontal chart labels longer than this are shortened (the table has them whole)

Number = int | float | Decimal


@dataclass(frozen=True)
class Datum:
    """One bar's figures, as the caller words them."""

    label: str  # the table's row header and the summary's name: "16 November 2026", "Pathways"
    value: Number | None  # None: nothing to draw (a week without sessions)
    text: str  # written beside the bar: "85%", "£1,200", "None"
    short: str = ""  # the axis label where it differs from `label` ("16 Nov")
    cells: tuple[str, ...] = ()  # the table's middle columns (attended, expected)
    table_text: str = ""  # the table's value cell ("50.0% (below target)"); `text` when empty
    flagged: bool = False  # drawn in the warning colour; say why in `table_text` too

    @property
    def value_cell(self) -> str:
        return self.table_text or self.text


@dataclass(frozen=True)
class Bar:
    datum: Datum
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    text_anchor: str
    label: str  # the axis label ("" where labels would crowd)
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Tick:
    """A grid line with its value, or (as Target) the target line with its label."""

    x1: float
    y1: float
    x2: float
    y2: float
    text: str
    text_x: float
    text_y: float
    text_anchor: str


Target = Tick  # the target line: the same geometry, a labelled dashed line


@dataclass(frozen=True)
class Chart:
    slug: str  # unique on the page: the SVG's title and description ids, the table's test id
    title: str
    orientation: str
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    target: Target | None
    description: str  # the text summary (the SVG's description, and shown under it)
    caption: str  # how to read the chart
    columns: tuple[str, ...]  # the data table's headers: the label column, `cells`' columns, the value
    axis: tuple[float, float, float, float] = field(default=(0, 0, 0, 0))  # the value axis' zero line

    @property
    def vertical(self) -> bool:
        return self.orientation == VERTICAL

    @property
    def has_data(self) -> bool:
        return any(bar.datum.value is not None for bar in self.bars)


def nice_max(values: Sequence[Number | None]) -> float:
    """A round top for the value axis at or above the largest value: 1, 2, 2.5 or 5 times a power of ten."""
    largest = max((float(v) for v in values if v is not None), default=0.0)
    if largest <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(largest))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= largest:
            return float(step * power)
    return float(10 * power)  # pragma: no cover (the loop always returns)


def _plain(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _ticks_of(top: float, fmt: Callable[[float], str]) -> list[tuple[float, str]]:
    return [(v, fmt(v)) for v in (0.0, top / 2, top)]


def _short(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1].rstrip() + "…"


def vertical_bars(data: Sequence[Datum], *, slug: str, title: str, description: str, caption: str,
                  columns: Sequence[str], top: float | None = None, target: Number | None = None,
                  target_text: str = "", tick_format: Callable[[float], str] = _plain) -> Chart:
    """Bars left to right (a trend): `top` fixes the value axis (100 for percentages), else a round
    number above the largest value; `target` draws a dashed line labelled `target_text`."""
    top = float(top) if top else nice_max([d.value for d in data])
    plot_h = _V_HEIGHT - _V_TOP - _V_BOTTOM
    right = WIDTH - _V_RIGHT

    def y_of(value: float) -> float:
        return round(_V_TOP + (top - min(max(value, 0.0), top)) / top * plot_h, 1)

    band = (right - _V_LEFT) / max(len(data), 1)
    every = max(1, -(-len(data) // _MAX_LABELS))
    bars = []
    for i, datum in enumerate(data):
        value = float(datum.value) if datum.value is not None else 0.0
        bar_top = y_of(value)
        x = round(_V_LEFT + i * band + band * 0.15, 1)
        width = round(band * 0.7, 1)
        bars.append(Bar(datum, x, bar_top, width, round(y_of(0) - bar_top, 1), round(x + width / 2, 1),
                        round(bar_top - 4, 1), "middle", (datum.short or datum.label) if i % every == 0 else "",
                        x, round(y_of(0) + 18, 1)))
    ticks = [Tick(_V_LEFT, y_of(v), right, y_of(v), text, _V_LEFT - 6, round(y_of(v) + 4, 1), "end")
             for v, text in _ticks_of(top, tick_format)]
    line = None
    if target is not None:
        ty = y_of(float(target))
        line = Target(_V_LEFT, ty, right, ty, target_text, right, round(ty - 4, 1), "end")
    return Chart(slug, title, VERTICAL, WIDTH, _V_HEIGHT, bars, ticks, line, description, caption, tuple(columns),
                 (_V_LEFT, y_of(0), right, y_of(0)))


def horizontal_bars(data: Sequence[Datum], *, slug: str, title: str, description: str, caption: str,
                    columns: Sequence[str], top: float | None = None, target: Number | None = None,
                    target_text: str = "", tick_format: Callable[[float], str] = _plain) -> Chart:
    """Bars top to bottom (categories), each labelled on the left and its value written after it."""
    top = float(top) if top else nice_max([d.value for d in data])
    height = _H_TOP + _H_ROW * max(len(data), 1) + _H_BOTTOM
    right = WIDTH - _H_RIGHT
    bottom = height - _H_BOTTOM

    def x_of(value: float) -> float:
        return round(_H_LABEL + min(max(value, 0.0), top) / top * (right - _H_LABEL), 1)

    bars = []
    for i, datum in enumerate(data):
        value = float(datum.value) if datum.value is not None else 0.0
        y = round(_H_TOP + i * _H_ROW + _H_ROW * 0.18, 1)
        bar_h = round(_H_ROW * 0.64, 1)
        end = x_of(value)
        bars.append(Bar(datum, _H_LABEL, y, round(end - _H_LABEL, 1), bar_h, round(end + 6, 1),
                        round(y + bar_h / 2 + 4, 1), "start", _short(datum.short or datum.label),
                        _H_LABEL - 8, round(y + bar_h / 2 + 4, 1)))
    ticks = [Tick(x_of(v), _H_TOP, x_of(v), bottom, text, x_of(v), bottom + 18, "middle")
             for v, text in _ticks_of(top, tick_format)]
    line = None
    if target is not None:
        tx = x_of(float(target))
        line = Target(tx, _H_TOP, tx, bottom, target_text, tx, _H_TOP - 2, "middle")
    return Chart(slug, title, HORIZONTAL, WIDTH, height, bars, ticks, line, description, caption, tuple(columns),
                 (_H_LABEL, _H_TOP, _H_LABEL, bottom))


def summary(data: Sequence[Datum], *, what: str, noun: str, none: str) -> str:
    """A plain text summary: what is shown, for how many, the highest and the lowest (ties: the first)."""
    counted = [d for d in data if d.value is not None]
    if not counted:
        return none
    if len(counted) == 1:
        return f"{what}: {counted[0].label}, {counted[0].text}."
    high = max(counted, key=lambda d: d.value)
    low = min(counted, key=lambda d: d.value)
    return (f"{what}, {len(counted)} {noun}. Highest: {high.label}, {high.text}. "
            f"Lowest: {low.label}, {low.text}.")
