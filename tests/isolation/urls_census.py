"""Isolation rows of the inspection list and census AP fields (oversight/census_views.py, issue 14
item 6): a school's headteacher and AP lead (view_reports) only; the rows are the school's own
(tests/oversight/test_census.py checks the content)."""

from __future__ import annotations

from .registry import UrlSpec

URLS = {
    "oversight:census_inspection": UrlSpec(),
    "oversight:census_inspection_csv": UrlSpec(),
    "oversight:census_fields": UrlSpec(),
    "oversight:census_fields_csv": UrlSpec(),
}
