"""Demo QA (issue 13): Northshire's QA officer visited Pathways Learning Centre a week ago on the
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

from . import services, signing
from .factories import qa_visit_in_state
from .models import Framework, FrameworkPurpose, QAVisit
from .shipped import ensure_shipped_frameworks
from .visits import latest_published

VISITED_DAYS_AGO = 7
ACTION_DUE_WEEKS = 8


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
