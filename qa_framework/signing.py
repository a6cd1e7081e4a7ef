"""Two-party signature of a completed QA visit (issue 13 item 5), through the one signing service
(apcommission.signing, the same as SLAs).

* Who signs: for the visit's owner (the LA, or the school for its termly QA), a member who runs QA
  visits (`run_qa_visits`); for the provider, a member who signs
  agreements (`sign_agreements`: the provider manager).
* When: the visit is COMPLETED (the outcome chosen for an LA's provider QA).
* What: `canonical_content(visit)` — the overview, contacts, every judgement with its standard's
  wording and evidence, the theme comments, the outcome and its reason, and the improvement plan
  as agreed (area, actions, by when, who by; not the RAG or progress, which move afterwards).
* The first signature fixes `QAVisit.content_hash`; from then on the visit's content cannot change
  (`refuse_change_after_signing`, pre_save/pre_delete signals: whatever saves a visit, judgement or
  comment is refused), and the second signature is refused if the content's hash no longer matches.
* When both sides have signed, the visit is SIGNED (and `signed_at` set); for an LA's provider QA
  the outcome becomes an approval decision (qa_framework.approval.decide_from_visit).

Only `shared_with_schools` (the LA shares the signed report with its schools) may still change.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from apcommission import signing
from notifications.services import notify
from tenancy.models import AuditAction
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind, Role
from tenancy.services import audit_record

from .models import ImprovementAction, Judgement, QASignature, QAVisit, ThemeComment, VisitState

Party = QASignature.Party
# What may still be saved on a visit once its content is fixed by the first signature.
SAVABLE_AFTER_SIGNING = frozenset({"state", "signed_at", "content_hash", "updated_at", "shared_with_schools"})


def _text(value) -> str:
    return "" if value is None else str(value)


def canonical_content(visit: QAVisit) -> dict:
    """Everything the two signatures cover, in a stable form (read with the base managers: the
    content is the same whoever signs)."""
    version = visit.version
    judgements = (Judgement._base_manager.filter(visit=visit).select_related("standard__theme")
                  .order_by("standard__theme__number", "standard__position"))
    comments = ThemeComment._base_manager.filter(visit=visit).select_related("theme").order_by("theme__number")
    plan = ImprovementAction._base_manager.filter(visit=visit).order_by("due_on", "pk")
    return {
        "visit": visit.pk,
        "owner": {"id": visit.owner_id, "name": visit.owner.name},
        "provider": {"id": visit.provider_id, "name": visit.provider.name},
        "framework": {"title": version.framework.title, "version": version.number, "id": version.pk},
        "scheduled_for": visit.scheduled_for.isoformat(),
        "owner_representative": visit.owner_representative.full_name if visit.owner_representative_id else "",
        "provider_representative": visit.provider_representative,
        "overview": visit.overview, "placement_lengths": visit.placement_lengths, "courses": visit.courses,
        "contact_details": visit.contact_details, "dsl": visit.dsl,
        "judgements": [{"standard": j.standard.code, "text": j.standard.text, "level": j.level,
                        "evidence": j.evidence} for j in judgements],
        "theme_comments": [{"theme": c.theme.number, "title": c.theme.title, "comment": c.comment} for c in comments],
        "suggested_outcome": visit.suggested_outcome, "outcome": visit.outcome,
        "outcome_reason": visit.outcome_reason,
        "improvement_plan": [{"area": a.area, "actions": a.actions, "due_on": _text(a.due_on), "who_by": a.who_by}
                             for a in plan],
    }


def party_for(visit: QAVisit, membership) -> str | None:
    """Which side `membership` may sign for (None: neither)."""
    org_id = membership.organisation_id
    if org_id == visit.owner_id:
        return Party.OWNER if membership.can(C.RUN_QA_VISITS) else None
    if org_id == visit.provider_id:
        return Party.PROVIDER if membership.can(C.SIGN_AGREEMENTS) else None
    return None


@transaction.atomic
def qa_visit_sign(*, visit: QAVisit, membership, party: str, typed_name: str, position: str, now: dt.datetime,
                  ip_address: str | None = None) -> QASignature:
    """Sign the completed visit for `party`. The first signature fixes the content hash; the second
    makes the visit SIGNED and (LA provider QA) records the approval decision."""
    visit = QAVisit._base_manager.select_for_update().select_related("owner", "provider", "version__framework").get(
        pk=visit.pk)
    if party_for(visit, membership) != party:
        raise ValidationError("Only the organisation that ran the visit and the provider can sign it, "
                              "each by someone whose role signs for it.")
    if visit.state == VisitState.SIGNED:
        raise signing.SignedDocumentLocked("Both sides have signed this QA visit. It cannot change.")
    if visit.state != VisitState.COMPLETED:
        raise ValidationError("Complete the QA visit before it is signed.")
    if not visit.outcome and visit.owner.kind == OrganisationKind.LOCAL_AUTHORITY:
        raise ValidationError("Choose the outcome of the visit before it is signed.")
    if QASignature._base_manager.filter(visit=visit, party=party).exists():
        raise ValidationError("Your organisation has already signed this QA visit.")
    facts = signing.prepare_signature(
        document=canonical_content(visit), fixed_hash=visit.content_hash, user=membership.user,
        typed_name=typed_name, position=position, now=now, require_position=True,
        changed_message="The QA visit changed after the other side signed it, so it no longer matches their "
                        "signature. Ask the local authority to contact the service team.")
    signature = QASignature._base_manager.create(
        visit=visit, party=party, user=facts.user, typed_name=facts.typed_name, position=facts.position,
        content_hash=facts.content_hash, signed_at=facts.signed_at)
    visit.content_hash = facts.content_hash
    visit.updated_at = now
    fields = ["content_hash", "updated_at"]
    both = set(QASignature._base_manager.filter(visit=visit).values_list("party", flat=True)) == set(Party.values)
    if both:
        visit.state, visit.signed_at = VisitState.SIGNED, now
        fields += ["state", "signed_at"]
    visit.save(update_fields=fields)
    audit_record(organisation=membership.organisation, user=membership.user, action=AuditAction.CHANGE, obj=visit,
                 detail=f"signed for {visit.owner.name if party == Party.OWNER else visit.provider.name}",
                 ip_address=ip_address)
    if both:
        from .approval import decide_from_visit

        decide_from_visit(visit=visit, by=membership.user, now=now)
    else:
        _ask_the_other_side(visit, signed_for=party, now=now)
    return signature


def _ask_the_other_side(visit: QAVisit, *, signed_for: str, now: dt.datetime) -> None:
    """The first signature: the other side's signers are asked to sign (once per visit and side)."""
    if signed_for == Party.OWNER:
        org, roles, view, who = visit.provider, [Role.PROVIDER_MANAGER], "qa_framework:visit_sign_provider", visit.owner
    else:
        org, who = visit.owner, visit.provider
        if visit.owner.kind == OrganisationKind.LOCAL_AUTHORITY:
            roles, view = [Role.QA_OFFICER], "qa_framework:visit_sign_owner"
        else:  # a school's termly QA: its report page (the sign pages are the LA's and the provider's)
            roles, view = [Role.HEADTEACHER, Role.AP_LEAD], "qa_framework:visit_report"
    notify(organisation=org, roles=roles, topic="qa_visit_signature",
           subject=f"QA visit report to sign: {visit.provider.name}",
           body=f"{who.name} has signed the report of the QA visit on {visit.scheduled_for:%-d %B %Y}. "
                "Read it and sign it for your organisation.",
           link=reverse(view, kwargs={"org": org.slug, "pk": visit.pk}), now=now, target=visit,
           dedupe_key=f"qa_visit_sign:{visit.pk}:{signed_for}")


# --- Immutability: connected in QaFrameworkConfig.ready() -----------------------------------

LOCKED_MESSAGE = "This QA visit has been signed: its content cannot change."


def _fixed(visit_id) -> bool:
    return bool(visit_id) and QAVisit._base_manager.filter(pk=visit_id).exclude(content_hash="").exists()


def refuse_visit_change(sender, instance: QAVisit, update_fields=None, **kwargs) -> None:
    """pre_save of QAVisit: once signed, only SAVABLE_AFTER_SIGNING may be saved (by name)."""
    if instance.pk is None or not _fixed(instance.pk):
        return
    if update_fields is None or not set(update_fields) <= SAVABLE_AFTER_SIGNING:
        raise signing.SignedDocumentLocked(LOCKED_MESSAGE)


def refuse_part_change(sender, instance, **kwargs) -> None:
    """pre_save / pre_delete of a judgement or theme comment of a signed visit."""
    if _fixed(instance.visit_id):
        raise signing.SignedDocumentLocked(LOCKED_MESSAGE)


def refuse_visit_delete(sender, instance: QAVisit, **kwargs) -> None:
    if _fixed(instance.pk):
        raise signing.SignedDocumentLocked(LOCKED_MESSAGE)


def visit_created(sender, instance: QAVisit, created: bool, **kwargs) -> None:
    """post_save of QAVisit: a new visit to a provider stops the LA's next-visit ladder for it."""
    if created and not kwargs.get("raw"):
        from .approval import visit_scheduled

        visit_scheduled(instance, now=instance.created_at)


def connect_signals() -> None:
    from django.db.models.signals import post_save, pre_delete, pre_save

    pre_save.connect(refuse_visit_change, sender=QAVisit, dispatch_uid="qa_visit_locked")
    pre_delete.connect(refuse_visit_delete, sender=QAVisit, dispatch_uid="qa_visit_locked_delete")
    for model in (Judgement, ThemeComment):
        pre_save.connect(refuse_part_change, sender=model, dispatch_uid=f"qa_{model.__name__}_locked")
        pre_delete.connect(refuse_part_change, sender=model, dispatch_uid=f"qa_{model.__name__}_locked_delete")
    post_save.connect(visit_created, sender=QAVisit, dispatch_uid="qa_visit_created")
