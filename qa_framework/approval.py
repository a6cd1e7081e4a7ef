"""The approved list (issue 13 items 6-7): one decision service for a provider's standing with an LA.

`ApprovalDecision` rows are the history; `ProviderListing.status` (providers app) is the current
value, and only `record_decision` writes it (through `providers.api.listing_status_write`). Every
way a status changes is a decision:

* a QA visit signed by both sides → the visit's outcome (`decide_from_visit`, from
  qa_framework.signing): approved → APPROVED, approved with conditions → CONDITIONS, not met (may
  reapply) → NOT_APPROVED, not met and withdrawn → WITHDRAWN; the framework version is recorded;
* an LA officer's change on the directory page (approve, suspend, not approve, withdraw) —
  providers.services.listing_status_set calls `record_decision` through the decider registered in
  QaFrameworkConfig.ready();
* the "qa_next_visit" ladder's last step: approval LAPSES when the next visit is
  LAPSE_AFTER_DAYS overdue (`lapse_if_still_overdue`).

Next visit (`next_visit_due`), from the day of the decision in England:
* approved: NEXT_VISIT_MONTHS[APPROVED] = 12 months (a year);
* approved with conditions: NEXT_VISIT_MONTHS[CONDITIONS] = 6 months (the improvements agreed are
  checked sooner);
* any other status: none (a provider not approved may reapply; a suspended one is looked at when
  the LA lifts the suspension by approving it again).
A decision with a next visit puts itself on the "qa_next_visit" ladder (qa_framework.ladders); a
later decision, or scheduling the next visit (a QAVisit created by the LA for the provider), stops
the ladder of the earlier ones.

A decision that refuses new places (suspended, not approved, withdrawn, lapsed:
providers.models.REFUSED_STATUSES) tells the AP leads and headteachers of the LA's schools with
agreed or running placements at the provider (no pupil named; one notification per person and
decision).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from apcommission import clock
from escalation.services import Start, escalation_resolve_many, escalation_start_many
from notifications.services import notify
from providers import api as providers_api
from providers.models import REFUSED_STATUSES
from tenancy.models import AuditAction, Organisation
from tenancy.roles import OrganisationKind, Role
from tenancy.scoping import scopes_disabled
from tenancy.services import audit_record

from .models import ApprovalDecision, ApprovalStatus, FrameworkPurpose, Outcome, QAVisit

NEXT_VISIT_MONTHS = {ApprovalStatus.APPROVED: 12, ApprovalStatus.APPROVED_WITH_CONDITIONS: 6}
# The "qa_next_visit" ladder's days, counted from next_visit_due (documented in qa_framework.ladders).
REMINDER_DAYS_BEFORE = 30
OVERDUE_AFTER_DAYS = 14
LAPSE_AFTER_DAYS = 30

OUTCOME_STATUS = {
    Outcome.APPROVED: ApprovalStatus.APPROVED,
    Outcome.APPROVED_WITH_CONDITIONS: ApprovalStatus.APPROVED_WITH_CONDITIONS,
    Outcome.NOT_MET_MAY_REAPPLY: ApprovalStatus.NOT_APPROVED,
    Outcome.NOT_MET_WITHDRAWN: ApprovalStatus.WITHDRAWN,
}
STATUSES_WITH_NEXT_VISIT = tuple(NEXT_VISIT_MONTHS)
SCHOOL_ROLES_TOLD = (Role.AP_LEAD, Role.HEADTEACHER)


def next_visit_due(status: str, on: dt.date) -> dt.date | None:
    months = NEXT_VISIT_MONTHS.get(status)
    return clock.add_months(on, months) if months else None


def latest_decision(*, local_authority, provider) -> ApprovalDecision | None:
    """The current decision for (LA, provider), whatever the caller's scope (set-up and sweeps)."""
    return (ApprovalDecision._base_manager.filter(local_authority=local_authority, provider=provider)
            .order_by("-decided_at", "-pk").first())


@transaction.atomic
def record_decision(*, local_authority: Organisation, provider: Organisation, status: str, by, now: dt.datetime,
                    reason: str = "", visit: QAVisit | None = None) -> ApprovalDecision:
    """Record the LA's decision about the provider and make it the listing's current status."""
    if local_authority.kind != OrganisationKind.LOCAL_AUTHORITY or provider.kind != OrganisationKind.PROVIDER:
        raise ValidationError("An approval decision is a local authority's, about a provider.")
    if status not in ApprovalStatus.values:
        raise ValidationError({"status": "Select a status"})
    # The listing row is the lock: two decisions for one (LA, provider) are taken one after the other.
    providers_api.listing_status_write(local_authority=local_authority, provider=provider, status=status,
                                       by=by, now=now)
    earlier = list(ApprovalDecision._base_manager.filter(local_authority=local_authority, provider=provider)
                   .values_list("pk", flat=True))
    decision = ApprovalDecision._base_manager.create(
        local_authority=local_authority, provider=provider, status=status, visit=visit,
        version=visit.version if visit is not None else None, reason=reason.strip(), decided_at=now,
        decided_by=by, next_visit_due=next_visit_due(status, now.astimezone(clock.LONDON).date()),
    )
    from .ladders import QA_NEXT_VISIT, next_visit_anchors

    if earlier:
        escalation_resolve_many(ladder=QA_NEXT_VISIT, target_model=ApprovalDecision, target_ids=earlier, by=by,
                                note="a later decision replaced this one", now=now)
    if decision.next_visit_due is not None:
        escalation_start_many(ladder=QA_NEXT_VISIT, target_model=ApprovalDecision, now=now, starts=[Start(
            target_id=decision.pk, organisation_id=local_authority.pk, other_organisation_id=provider.pk,
            anchors=next_visit_anchors(decision.next_visit_due))])
    if status in REFUSED_STATUSES:
        _tell_commissioning_schools(decision, now=now)
    audit_record(organisation=local_authority, user=by, action=AuditAction.CREATE, obj=decision,
                 detail=f"{provider.name}: {decision.get_status_display()}")
    return decision


def _tell_commissioning_schools(decision: ApprovalDecision, *, now: dt.datetime) -> int:
    """The LA's schools with agreed or running placements at the provider are told (no pupil)."""
    la, provider = decision.local_authority, decision.provider
    with scopes_disabled():
        schools = [s for s in providers_api.commissioning_schools(provider=provider) if s.local_authority_id == la.pk]
    subject = f"{la.name}: {provider.name} is {decision.get_status_display().lower()}"
    body = (f"{la.name} has recorded that {provider.name} is {decision.get_status_display().lower()}. "
            "Schools should not commission new places there. Your pupils placed there now: review their "
            "placements with the provider and the local authority."
            + (f"\n\nThe local authority's reason: {decision.reason}" if decision.reason else ""))
    told = 0
    for school in schools:
        link = reverse("providers:directory_provider", kwargs={"org": school.slug, "provider_pk": provider.pk})
        told += len(notify(organisation=school, roles=SCHOOL_ROLES_TOLD, topic="provider_approval", subject=subject,
                           body=body, link=link, dedupe_key=f"approval:{decision.pk}", now=now, target=decision,
                           urgent=decision.status == ApprovalStatus.SUSPENDED))
    return told


def decide_from_visit(*, visit: QAVisit, by, now: dt.datetime) -> ApprovalDecision | None:
    """A provider QA visit by an LA, signed by both sides: its outcome becomes the decision.
    A school's own termly QA decides nothing about the approved list (None)."""
    if visit.owner.kind != OrganisationKind.LOCAL_AUTHORITY:
        return None
    if visit.version.framework.purpose != FrameworkPurpose.PROVIDER_QA:
        return None
    status = OUTCOME_STATUS[visit.outcome]
    reason = visit.outcome_reason or f"Outcome of the QA visit on {visit.scheduled_for:%-d %B %Y}"
    return record_decision(local_authority=visit.owner, provider=visit.provider, status=status, by=by, now=now,
                           reason=reason, visit=visit)


def decide_by_hand(*, local_authority, provider, status, reason, by, now):
    """The decider registered with providers.api (the directory's "Change status" page)."""
    return record_decision(local_authority=local_authority, provider=provider, status=status, by=by, now=now,
                           reason=reason)


def lapse_if_still_overdue(decision: ApprovalDecision, *, now: dt.datetime) -> ApprovalDecision | None:
    """The ladder's last step: if `decision` is still the LA's current one, still an approval and
    no next visit has been scheduled, approval lapses (a LAPSED decision). Idempotent: a second call
    finds the lapse is now the current decision and does nothing."""
    current = latest_decision(local_authority=decision.local_authority_id, provider=decision.provider_id)
    if current is None or current.pk != decision.pk or decision.status not in STATUSES_WITH_NEXT_VISIT:
        return None
    if next_visit_scheduled(decision):
        return None
    days = (now.astimezone(clock.LONDON).date() - decision.next_visit_due).days
    return record_decision(
        local_authority=decision.local_authority, provider=decision.provider, status=ApprovalStatus.LAPSED,
        by=None, now=now,
        reason=f"The QA visit due by {decision.next_visit_due:%-d %B %Y} had not taken place {days} days later "
               f"(approval lapses {LAPSE_AFTER_DAYS} days after the due date).")


def next_visit_scheduled(decision: ApprovalDecision) -> bool:
    """Has the LA scheduled (or held) a QA visit to the provider since the decision?"""
    return QAVisit._base_manager.filter(owner_id=decision.local_authority_id, provider_id=decision.provider_id,
                                        created_at__gt=decision.decided_at).exists()


def visit_scheduled(visit: QAVisit, *, now: dt.datetime) -> int:
    """A QA visit was created: the LA's next-visit ladder for that provider stops."""
    from .ladders import QA_NEXT_VISIT

    ids = ApprovalDecision._base_manager.filter(local_authority_id=visit.owner_id,
                                                provider_id=visit.provider_id).values_list("pk", flat=True)
    return escalation_resolve_many(ladder=QA_NEXT_VISIT, target_model=ApprovalDecision, target_ids=list(ids),
                                   by=visit.created_by, note="next QA visit scheduled", now=now)
