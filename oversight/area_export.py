"""The LA's children-in-AP rows as CSV and XLSX: the rows the LA filtered, the columns of the page.

CSV streams line by line; XLSX is written with openpyxl's write-only workbook (rows go to disk as
they come, so 70,000 rows need little memory) into a temporary file that the response streams.
Only what `area.rows_of` gives (identity and attendance, per the visibility table) is written.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from copy import copy

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles.fonts import DEFAULT_FONT

from .area import AreaRow
from .area_rules import EXPORT_HEADER, yes_no

CHUNK = 2000  # rows fetched at a time from the database


def values_of(row: AreaRow) -> tuple:
    """One exported row, in EXPORT_HEADER's order (numbers stay numbers; "" where nothing is known)."""
    return (
        row.pupil, row.upn, row.year_group, row.school, row.provider, row.provider_registration_label,
        row.approval_label, row.registration_code, row.start_date or "", row.weeks if row.weeks is not None else "",
        row.weekly_hours if row.weekly_hours is not None else "", yes_no(row.part_time),
        row.percent if row.percent is not None else "", _blank(row.attended), _blank(row.expected),
        row.overdue_visits, _blank(row.missing_registers), yes_no(row.emergency_review),
    )


def _blank(value):
    return "" if value is None else value


class _Echo:
    """csv.writer's file: hands each formatted line back to the streaming response."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[AreaRow]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_HEADER)
    for row in rows:
        yield writer.writerow([_csv_safe(v) for v in values_of(row)])


def _csv_safe(value):
    """A text cell starting with = + - @ would be a formula in a spreadsheet: prefix it with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def xlsx_file(rows: Iterable[AreaRow], *, title: str) -> tempfile.SpooledTemporaryFile:
    """The workbook in a temporary file, rewound for reading."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    bold = copy(DEFAULT_FONT)  # the workbook's font, bold (Font.copy(**changes) is deprecated)
    bold.bold = True
    header = []
    for name in EXPORT_HEADER:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_safe(v) for v in values_of(row)])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the response closes it)
    workbook.save(out)
    out.seek(0)
    return out


def _xlsx_safe(value):
    """openpyxl stores a string starting with = as a formula: keep text text."""
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value
