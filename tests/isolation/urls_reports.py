"""Isolation specs of the trust, school and governors' reports (oversight/urls_reports.py, issue 14
item 3): a trust reaches its own schools' reports (another trust's school, or school c of the same LA
outside the trust, is a 404); a school's headteacher and AP lead reach the school's reports; other
roles and kinds get 403."""

from __future__ import annotations

from tenancy.roles import OrganisationKind as K

from .registry import UrlSpec


def _school(world, side):
    return {"pk": world.org(K.SCHOOL, side).pk}


URLS = {
    "oversight:trust_report": UrlSpec(),
    "oversight:trust_school_report": UrlSpec(kwargs=_school, school_owned=True),
    "oversight:school_report": UrlSpec(),
    "oversight:governors_report": UrlSpec(),
    "oversight:governors_report_pdf": UrlSpec(),
}
