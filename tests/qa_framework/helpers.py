"""Test set-up for frameworks and plans: an organisation's own framework (copied from the shipped
one through the services) and a QA visit row for a plan (visits' own services are tested with them)."""

from __future__ import annotations

import datetime as dt

from qa_framework import services
from qa_framework.models import FrameworkPurpose, FrameworkVersion, QAVisit, VisitState
from qa_framework.shipped import ensure_shipped_frameworks
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
OWNER_ROLE = {K.LOCAL_AUTHORITY: Role.QA_OFFICER, K.SCHOOL: Role.AP_LEAD}


def shipped(purpose=FrameworkPurpose.PROVIDER_QA) -> FrameworkVersion:
    ensure_shipped_frameworks()  # a transactional test before this one on the worker flushed them
    with scopes_disabled():
        return FrameworkVersion.objects.select_related("framework").get(framework__owner__isnull=True,
                                                                        framework__purpose=purpose)


def own_framework(world, side="a", *, kind=K.LOCAL_AUTHORITY, publish=True, now=NOW) -> FrameworkVersion:
    """A copy of the shipped provider framework owned by that side's LA (or school), published."""
    org = world.org(kind, side)
    by = world.user(kind, OWNER_ROLE[kind], side)
    with scope(organisation=org):
        version = services.framework_copy(version=shipped(), title=f"{org.name} framework", by=by, organisation=org,
                                          now=now)
        if publish:
            version = services.framework_publish(version=version, by=by, organisation=org, now=now)
    return version


def visit(world, side="a", *, kind=K.LOCAL_AUTHORITY, state=VisitState.COMPLETED, version=None,
          now=NOW) -> QAVisit:
    """A QA visit of that side's LA (or school) to that side's provider, in `state`."""
    owner = world.org(kind, side)
    version = version or shipped(FrameworkPurpose.PROVIDER_QA if kind == K.LOCAL_AUTHORITY
                                 else FrameworkPurpose.SCHOOL_TERMLY_QA)
    with scopes_disabled():
        return QAVisit.objects.create(
            owner=owner, provider=world.org(K.PROVIDER, side), version=version, state=state,
            scheduled_for=dt.date(2026, 11, 20), owner_representative=world.user(kind, OWNER_ROLE[kind], side),
            created_at=now, updated_at=now, completed_at=now if state != VisitState.SCHEDULED else None)


def action(world, side="a", *, kind=K.LOCAL_AUTHORITY, state=VisitState.COMPLETED, due_on=dt.date(2026, 12, 4),
           now=NOW, area="Fire drill records"):
    owner = world.org(kind, side)
    the_visit = visit(world, side, kind=kind, state=VisitState.COMPLETED, now=now)
    with scope(organisation=owner):
        row = services.action_add(visit=the_visit, values={
            "area": area, "actions": "Hold a fire drill each term and keep the log", "rag": "amber",
            "due_on": due_on, "who_by": "Centre manager"},
            by=world.user(kind, OWNER_ROLE[kind], side), organisation=owner, now=now)
    if state != VisitState.COMPLETED:
        with scopes_disabled():
            QAVisit.objects.filter(pk=the_visit.pk).update(state=state)
    return row
