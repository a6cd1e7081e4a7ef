"""The visit sources of the placement's one timeline (monitoring.timeline), registered in
MonitoringConfig.ready(), and the placement's own lifecycle events (placements.selectors.timeline).

* "visits": visit records (a draft to the school only; a provider its submitted ones, by scope),
  the half-term windows that still need a visit (due, or overdue once ended; school side only:
  VisitWindow's scope) and the visit actions not yet done (the school reads them with the
  "education" group, as on the visit record; a provider its own side's, by scope).
* "placement": the lifecycle events the placement page always listed (referred, accepted, started…).

Each reads through the caller's scope with one query per kind of row (no query per entry).
"""

from __future__ import annotations

import datetime as dt

from apcommission import clock
from apcommission.dashboards import link
from placements import selectors as placement_selectors
from tenancy.roles import OrganisationKind as K
from tenancy.visibility import DataGroup

from .models import ActionSide, Visit, VisitAction, VisitState, VisitWindow
from .timeline import TimelineEntry, register_source

SIDES = {ActionSide.SCHOOL: "the school", ActionSide.PROVIDER: "the provider"}


def _visit_entries(placement, membership, urls) -> list[TimelineEntry]:
    entries = []
    for pk, state, visited_on, created_at in (Visit.objects.filter(placement=placement)
                                               .values_list("pk", "state", "visited_on", "created_at")):
        submitted = state == VisitState.SUBMITTED
        url = urls("monitoring:visit_detail", pk) if submitted else urls("monitoring:visit_edit", pk)
        entries.append(TimelineEntry(
            at=visited_on or created_at, kind="visit", title="Visit" if submitted else "Visit record (draft)",
            state="Submitted" if submitted else "Draft", colour="green" if submitted else "grey", url=url or ""))
    return entries


def _window_entries(placement, today: dt.date, urls) -> list[TimelineEntry]:
    url = urls("monitoring:placement_monitoring", placement.pk) or ""
    entries = []
    for start, end in (VisitWindow.objects.filter(placement=placement, required__gt=0, met_at__isnull=True,
                                                  start__lte=today).values_list("start", "end")):
        overdue = end < today
        entries.append(TimelineEntry(
            at=end, kind="visit_window", title=f"Half-termly visit, {start:%-d %b} to {end:%-d %b %Y}",
            state="Visit overdue" if overdue else "Visit due", colour="red" if overdue else "blue", url=url))
    return entries


def _action_entries(placement, today: dt.date, urls) -> list[TimelineEntry]:
    entries = []
    for visit_id, side, description, due_on in (
            VisitAction.objects.filter(visit__placement=placement, done_on__isnull=True)
            .values_list("visit_id", "side", "description", "due_on")):
        overdue = due_on < today
        entries.append(TimelineEntry(
            at=due_on, kind="visit_action", title=f"Action for {SIDES.get(side, side)}: {description}",
            state="Action overdue" if overdue else "Open", colour="red" if overdue else "yellow",
            url=urls("monitoring:visit_detail", visit_id) or ""))
    return entries


def visit_entries(placement, membership) -> list[TimelineEntry]:
    """Visit records, windows still needing a visit and open actions, as this member may see them."""
    if membership is None or placement.start_date is None:
        return []

    def urls(viewname, pk):
        return link(membership, viewname, pk=pk)

    today = clock.today()
    entries = _visit_entries(placement, membership, urls)
    if membership.organisation.kind == K.PROVIDER:
        return entries + _action_entries(placement, today, urls)  # scope: the provider's side, submitted
    entries += _window_entries(placement, today, urls)
    if placement_selectors.placement_reader(placement, membership).can(DataGroup.EDUCATION):
        entries += _action_entries(placement, today, urls)
    return entries


def placement_entries(placement, membership) -> list[TimelineEntry]:
    """The placement's lifecycle events (who acted, as placements.selectors.timeline names them)."""
    return [TimelineEntry(at=e.at, kind="placement", title=e.summary, detail=f"By {e.who}" if e.who else "")
            for e in placement_selectors.timeline(placement, membership)]


def register_sources() -> None:
    register_source("placement", placement_entries)
    register_source("visits", visit_entries)
