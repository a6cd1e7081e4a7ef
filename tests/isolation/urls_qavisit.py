"""Isolation specs of the QA visit pages (qa_framework/views_visits.py, issue 13 items 1-3): an LA's
visits, and a school's own termly QA visits (a school member opens its school's visit: school b's and
school c's members get 404), their pages while in progress, and the read-only report (the provider
once completed, a school only a signed visit its LA shared)."""

from __future__ import annotations

import datetime as dt

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

from .registry import UrlSpec

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _visit(world, side, state, kind=K.LOCAL_AUTHORITY):
    """An LA's visit; for a school's member, that school's own termly QA visit."""
    from qa_framework.factories import qa_visit_in_state

    owner_role = Role.AP_LEAD if kind == K.SCHOOL else Role.QA_OFFICER
    owner_kind = K.SCHOOL if kind == K.SCHOOL else K.LOCAL_AUTHORITY
    return qa_visit_in_state(owner=world.org(owner_kind, side), provider=world.org(K.PROVIDER, side),
                             state=state, by=world.user(owner_kind, owner_role, side), now=NOW)


def _scheduled(world, side, *, kind):
    return {"pk": _visit(world, side, "scheduled", kind).pk}


def _in_progress(world, side, *, kind):
    return {"pk": _visit(world, side, "in_progress", kind).pk}


def _theme(world, side, *, kind):
    return {**_in_progress(world, side, kind=kind), "number": 1}


def _report(world, side, *, kind):
    """Completed for the LA and the provider; for a school, signed and shared by its LA."""
    from qa_framework.models import QAVisit
    from tenancy.scoping import scopes_disabled

    visit = _visit(world, side, "completed")
    if kind == K.SCHOOL:
        with scopes_disabled():
            QAVisit.objects.filter(pk=visit.pk).update(state="signed", signed_at=NOW, shared_with_schools=True)
    return {"pk": visit.pk}


def _state(world, kwargs):
    from qa_framework.models import QAVisit

    return QAVisit.objects.filter(pk=kwargs["pk"]).values_list("state", flat=True).get()


URLS = {
    "qa_framework:visit_list": UrlSpec(),
    "qa_framework:visit_schedule": UrlSpec(),
    "qa_framework:visit_detail": UrlSpec(kwargs=_in_progress),
    "qa_framework:visit_start": UrlSpec(kwargs=_scheduled, method="post", ok_status=302, state=_state),
    "qa_framework:visit_overview": UrlSpec(kwargs=_in_progress),
    "qa_framework:visit_theme": UrlSpec(kwargs=_theme),
    "qa_framework:visit_complete": UrlSpec(kwargs=_in_progress),
    "qa_framework:visit_report": UrlSpec(kwargs=_report),
    "qa_framework:report_list": UrlSpec(),
}
