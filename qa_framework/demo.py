"""Demo QA (issue 13). `load_approvals_demo` (run right after the providers' demo, before any
placement): Northshire approved Pathways Learning Centre and Forge Motor Vehicle Skills
APPROVED_DAYS_AGO days ago (before the service, on its paper framework), each recorded through
qa_framework.approval.record_decision — the approved list's history and the listing's status, the
next visit due within the month (the dashboard's "QA visits due" and the qa_next_visit ladder's
reminder). Idempotent: a provider with a decision is left as it is.

`load_qa_demo`: Northshire's QA officer visited Pathways Learning Centre a week ago on the
shipped seed 001 §18 framework, judged every standard, agreed one improvement action (still open,
due in eight weeks) and completed the visit as approved; both sides have since signed it, so the
approved list holds Northshire's decision (approved, next visit in a year, on the qa_next_visit
ladder). Everything goes through the services the pages use (qa_visit_in_state walks the visit
services; services.action_add; signing.qa_visit_sign records the decision). Idempotent: a demo
with a QA visit to Pathways is left as it is."""

from __future__ import annotations

import datetime as dt

from apcommission.clock import LONDON
from tenancy.models import Membership
from tenancy.scoping import scope

from . import approval, services, signing
from .factories import qa_visit_in_state
from .models import ApprovalDecision, ApprovalStatus, Framework, FrameworkPurpose, QAVisit
from .shipped import ensure_shipped_frameworks
from .visits import latest_published

VISITED_DAYS_AGO = 7
ACTION_DUE_WEEKS = 8
APPROVED_DAYS_AGO = 340  # a year's approval: the next visit is due in about 25 days
APPROVED_BEFORE = ("pathways", "forge-skills")


def load_approvals_demo(orgs: dict, users: dict, now: dt.datetime) -> None:
    la, officer = orgs.get("northshire"), users.get("la-qa")
    if la is None or officer is None:
        return
    decided = now - dt.timedelta(days=APPROVED_DAYS_AGO)
    for slug in APPROVED_BEFORE:
        provider = orgs.get(slug)
        if provider is None:
            continue
        with scope(organisation=la):
            if ApprovalDecision.objects.filter(provider=provider).exists():
                continue
            approval.record_decision(
                local_authority=la, provider=provider, status=ApprovalStatus.APPROVED, by=officer, now=decided,
                reason=f"Approved after Northshire's QA visit of {decided.astimezone(LONDON):%B %Y}, "
                       "on its paper framework (before the service was in use)")


def load_qa_demo(orgs: dict, users: dict, now: dt.datetime) -> None:
    la, provider = orgs.get("northshire"), orgs.get("pathways")
    officer, manager = users.get("la-qa"), users.get("provider-manager")
    if None in (la, provider, officer, manager):
        return
    ensure_shipped_frameworks()
    with scope(organisation=la):
        if QAVisit.objects.filter(provider=provider).exists():
            return
        version = latest_published(Framework.objects.get(owner__isnull=True, purpose=FrameworkPurpose.PROVIDER_QA))
        officer_membership = Membership.objects.get(user=officer, organisation=la)
    visited = now - dt.timedelta(days=VISITED_DAYS_AGO)
    visit = qa_visit_in_state(local_authority=la, provider=provider, state="completed", by=officer, now=visited,
                              version=version)
    with scope(organisation=la):
        services.action_add(visit=visit, by=officer, organisation=la, now=visited, values={
            "area": "Fire drill records", "rag": "amber", "who_by": "Centre manager",
            "actions": "Hold a fire drill each half term and keep the log with the fire risk assessment",
            "due_on": visited.astimezone(LONDON).date() + dt.timedelta(weeks=ACTION_DUE_WEEKS)})
        signing.qa_visit_sign(visit=visit, membership=officer_membership, party=signing.Party.OWNER,
                              typed_name=officer.full_name, position="AP quality assurance officer", now=now)
    with scope(organisation=provider):
        signing.qa_visit_sign(visit=visit, membership=Membership.objects.get(user=manager, organisation=provider),
                              party=signing.Party.PROVIDER, typed_name=manager.full_name, position="Centre manager",
                              now=now)
