"""Isolation specs of the LA's children-in-AP view and its exports (oversight/urls_area.py, issue 14
item 2): only an LA's QA and AP officers open them (schools, providers and trusts 403); what one
LA reads of another's children is tested by content in tests/oversight/test_area_views.py."""

from __future__ import annotations

from .registry import UrlSpec

URLS = {
    "oversight:area_list": UrlSpec(),
    "oversight:area_export_csv": UrlSpec(),
    "oversight:area_export_xlsx": UrlSpec(),
}
