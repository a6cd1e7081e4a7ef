"""Isolation specs of the school's visit settings (monitoring:visit_settings, issue 12 item 1): a
school page; other kinds 403 by the view's kinds, roles without sign_agreements (headteacher, AP lead) 403."""

from __future__ import annotations

from .registry import UrlSpec

URLS = {
    "monitoring:visit_settings": UrlSpec(),
}
