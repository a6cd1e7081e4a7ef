"""Set-up for the signing, approval and scheduling tests: a completed QA visit built directly on
the models (the visit pages are another helper's), with the shipped provider QA framework."""

from __future__ import annotations

import datetime as dt

from qa_framework import signing
from qa_framework.models import (
    Framework,
    FrameworkPurpose,
    ImprovementAction,
    Judgement,
    Outcome,
    QAVisit,
    Standard,
    ThemeComment,
    VisitState,
)
from qa_framework.shipped import ensure_shipped_frameworks
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def completed_visit(world, side="a", *, outcome=Outcome.APPROVED, now=NOW, level="fully") -> QAVisit:
    la, provider = world.org(K.LOCAL_AUTHORITY, side), world.org(K.PROVIDER, side)
    officer = world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER, side)
    ensure_shipped_frameworks()  # a transactional test before this one on the worker flushed them
    with scopes_disabled():
        version = Framework._base_manager.get(owner=None, purpose=FrameworkPurpose.PROVIDER_QA).versions.get(number=1)
        visit = QAVisit._base_manager.create(
            owner=la, provider=provider, version=version, state=VisitState.COMPLETED,
            scheduled_for=now.date(), owner_representative=officer, provider_representative="Pat Provider",
            overview="SENTINEL-OVERVIEW a farm-based provider", dsl="Dee Ess", outcome=outcome,
            suggested_outcome=outcome, created_by=officer, created_at=now - dt.timedelta(days=7),
            updated_at=now, started_at=now - dt.timedelta(days=1), completed_at=now)
        Judgement._base_manager.bulk_create(
            Judgement(visit=visit, standard=s, level=level, evidence=f"Evidence for {s.code}")
            for s in Standard._base_manager.filter(theme__version=version))
        ThemeComment._base_manager.bulk_create(
            ThemeComment(visit=visit, theme=t, comment=f"Comment on {t.title}") for t in version.themes.all())
        ImprovementAction._base_manager.create(
            visit=visit, provider=provider, owner=la, area="Safeguarding records", actions="Keep a log",
            due_on=now.date() + dt.timedelta(days=60), who_by="DSL", created_at=now)
    return visit


def sign(world, visit, party, side="a", *, now=NOW, typed_name=None, position="Officer"):
    if party == signing.Party.OWNER:
        member = world.member(K.LOCAL_AUTHORITY, Role.QA_OFFICER, side)
    else:
        member = world.member(K.PROVIDER, Role.PROVIDER_MANAGER, side)
    with scope(organisation=member.organisation):
        return signing.qa_visit_sign(visit=visit, membership=member, party=party, now=now, position=position,
                                     typed_name=member.user.full_name if typed_name is None else typed_name)


def sign_both(world, visit, side="a", *, now=NOW):
    sign(world, visit, signing.Party.OWNER, side, now=now)
    return sign(world, visit, signing.Party.PROVIDER, side, now=now + dt.timedelta(hours=1))
