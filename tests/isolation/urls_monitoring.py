"""Isolation specs of the monitoring pages (monitoring/urls.py, issue 12): a placement's visits,
the visit record (draft, submitted, PDF), the visit owner, actions, the school's list and the LA's
counts. Providers reach only submitted records of their own placements."""

from __future__ import annotations

import datetime as dt

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

from .registry import UrlSpec
from .urls_attendance_reports import _placement  # the side's active placement, built once

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _placement_kwargs(world, side):
    return {"pk": _placement(world, side).pk}


def _visit(world, side, *, submit):
    from monitoring import services
    from tenancy.scoping import scope

    placement = _placement(world, side)
    school = placement.school
    by = world.user(K.SCHOOL, Role.AP_LEAD, side)
    with scope(organisation=school):
        visit = services.visit_save(
            placement=placement, by=by, organisation=school, now=NOW, submit=submit,
            values={"visited_on": dt.date(2026, 11, 24), "visited_time": dt.time(10, 0), "visitor": by,
                    "safeguarding_concerns": False, "parent_contacted": True})
        if submit:
            services.visit_action_add(visit=visit, side="provider", description="Share the timetable",
                                      owner_name="Centre manager", due_on=dt.date(2026, 12, 4), by=by,
                                      organisation=school)
    return visit


def _submitted(world, side):
    return {"pk": _visit(world, side, submit=True).pk}


def _draft(world, side):
    return {"pk": _visit(world, side, submit=False).pk}


def _open_action(world, side):
    from monitoring.models import VisitAction
    from tenancy.scoping import scopes_disabled

    visit = _visit(world, side, submit=True)
    with scopes_disabled():
        return {"pk": VisitAction.objects.get(visit=visit).pk}


def _done_on(world, kwargs):
    from monitoring.models import VisitAction

    return VisitAction.objects.filter(pk=kwargs["pk"]).values_list("done_on", flat=True).get()


URLS = {
    "monitoring:visit_list": UrlSpec(),
    "monitoring:area_overdue": UrlSpec(),
    "monitoring:placement_monitoring": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "monitoring:visit_owner": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "monitoring:visit_create": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "monitoring:visit_detail": UrlSpec(kwargs=_submitted, school_owned=True),
    "monitoring:visit_edit": UrlSpec(kwargs=_draft, school_owned=True),
    "monitoring:visit_pdf": UrlSpec(kwargs=_submitted, school_owned=True),
    "monitoring:visit_action_add": UrlSpec(kwargs=_submitted, school_owned=True),
    "monitoring:visit_action_done": UrlSpec(kwargs=_open_action, method="post", ok_status=302, state=_done_on,
                                            school_owned=True),
}
