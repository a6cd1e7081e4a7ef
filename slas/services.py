"""SLA writes: draft from a template, edit, send, sign, acknowledge, amend, terminate, PDF."""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from apcommission import pdf, signing
from tenancy.models import AuditAction, Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import scopes_disabled
from tenancy.services import audit_record

from .default_clauses import SECTIONS
from .models import (
    ClauseTemplate,
    Party,
    ServiceLevelAgreement,
    SLAClause,
    SLASignature,
    SLAStatus,
    TemplateClause,
)

log = logging.getLogger(__name__)

SCHEDULE_FIELDS = [
    "start_date", "end_date", "hours_per_week", "days_and_sessions", "number_of_pupils", "rate",
    "rate_unit", "estimated_total", "invoicing_period", "payment_due_days", "transport_arrangement",
    "insurance_statement", "register_deadline_minutes", "incidents_before_emergency_review",
    "visits_per_half_term", "vat_rate",
]


class SLALocked(signing.SignedDocumentLocked):
    """A signed or terminated SLA cannot change."""


def default_clauses() -> list[tuple[str, str, str]]:
    return [(section, heading, body) for _key, section, clauses in SECTIONS for heading, body in clauses]


def _new_reference(now: dt.datetime) -> str:
    return f"SLA-{now:%Y}-{secrets.token_hex(3).upper()}"


def refuse_if_provider_suspended(*, school: Organisation, provider: Organisation, doing: str) -> None:
    """A provider the school's LA refuses — suspended, not approved, withdrawn, or its approval
    lapsed ("schools should not commission new places": providers.api.commissioning_check) — gets
    no new SLA: it cannot be created, sent or signed. Amendments (version 2 onwards) of an SLA
    already in force, and ending one, stay possible: they change or end places that already
    exist, and the pupils placed there must not lose the agreement that covers them. Approved with
    conditions, and listed but not yet quality assured, are warnings (`commissioning_warning`)."""
    from providers import api as providers_api

    check = providers_api.commissioning_check(school=school, provider=provider, doing=doing)
    if check.refused:
        raise ValidationError(check.message)


def commissioning_warning(*, school: Organisation, provider: Organisation) -> str:
    """What the school should know before commissioning from `provider` ("" when nothing)."""
    from providers import api as providers_api

    check = providers_api.commissioning_check(school=school, provider=provider)
    return check.message if check.warned else ""


@transaction.atomic
def sla_create(*, school: Organisation, provider: Organisation, created_by, now: dt.datetime,
               template: ClauseTemplate | None = None) -> ServiceLevelAgreement:
    if school.kind != OrganisationKind.SCHOOL or provider.kind != OrganisationKind.PROVIDER:
        raise ValidationError("An SLA is between a commissioning school and a provider.")
    refuse_if_provider_suspended(school=school, provider=provider, doing="start a new SLA with it")
    sla = ServiceLevelAgreement(
        reference=_new_reference(now), school=school, provider=provider, created_by=created_by,
        created_at=now, updated_at=now,
        insurance_statement="The provider holds public liability insurance that covers pupils under 16.",
    )
    sla.full_clean()
    sla.save()
    if template is not None:
        rows = [(c.section, c.heading, c.body) for c in template.clauses.all()]
    else:
        rows = default_clauses()
    SLAClause.objects.bulk_create(
        SLAClause(sla=sla, section=section, position=i, heading=heading, body=body)
        for i, (section, heading, body) in enumerate(rows, start=1)
    )
    return sla


def _lock(sla: ServiceLevelAgreement) -> ServiceLevelAgreement:
    return ServiceLevelAgreement.objects.select_for_update().get(pk=sla.pk)


def _reopen_for_edit(sla: ServiceLevelAgreement, now: dt.datetime) -> None:
    """Editing a sent or part-signed SLA voids its signatures and takes it back to draft."""
    if sla.is_locked:
        raise SLALocked("This SLA has been signed by both parties and cannot change. Make an amendment instead.")
    if sla.status != SLAStatus.DRAFT:
        sla.signatures.filter(voided_at__isnull=True).update(voided_at=now)
        sla.status = SLAStatus.DRAFT
        sla.sent_at = None
        sla.content_hash = ""


@transaction.atomic
def sla_update_schedule(*, sla: ServiceLevelAgreement, data: dict, now: dt.datetime) -> ServiceLevelAgreement:
    sla = _lock(sla)
    _reopen_for_edit(sla, now)
    for name in SCHEDULE_FIELDS:
        if name in data:
            setattr(sla, name, data[name])
    sla.updated_at = now
    sla.full_clean()
    sla.save()
    if "placements" in data:
        placements = list(data["placements"])
        wrong = [p for p in placements if (p.school_id, p.provider_id) != (sla.school_id, sla.provider_id)]
        if wrong:
            raise ValidationError({"placements": "Choose placements between this school and this provider."})
        sla.placements.set(placements)
    return sla


@transaction.atomic
def sla_update_clause(*, sla: ServiceLevelAgreement, clause: SLAClause, heading: str, body: str,
                      now: dt.datetime) -> SLAClause:
    sla = _lock(sla)
    _reopen_for_edit(sla, now)
    clause.heading, clause.body = heading.strip(), body.strip()
    clause.full_clean()
    clause.save()
    sla.updated_at = now
    sla.save()
    return clause


def canonical_content(sla: ServiceLevelAgreement) -> dict:
    """Everything a signature covers, in a stable form."""
    return {
        "reference": sla.reference,
        "version": sla.version,
        "school": {"id": sla.school_id, "name": sla.school.name},
        "provider": {"id": sla.provider_id, "name": sla.provider.name},
        "schedule": _schedule_content(sla),
        "placements": sorted(sla.placements.values_list("pk", flat=True)),
        "clauses": [
            {"number": n, "section": c.section, "heading": c.heading, "body": render_clause(sla, c.body)}
            for n, c in enumerate(sla.clauses.all(), start=1)
        ],
    }


def _schedule_content(sla: ServiceLevelAgreement) -> dict:
    """The schedule as signed. VAT (added with invoices, issue 14) is part of it only when charged, so
    an SLA without VAT keeps the hash it was signed with before the field existed."""
    schedule = {name: str(getattr(sla, name)) if getattr(sla, name) is not None else None
                for name in SCHEDULE_FIELDS if name != "vat_rate"}
    if sla.vat_rate:
        schedule["vat_rate"] = str(sla.vat_rate)
    return schedule


def content_hash(sla: ServiceLevelAgreement) -> str:
    return signing.content_hash(canonical_content(sla))


# The only names clause text may use; each `{name}` is replaced by the SLA's number.
CLAUSE_PLACEHOLDERS = ("register_deadline_minutes", "incidents_before_emergency_review", "visits_per_half_term")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def render_clause(sla: ServiceLevelAgreement, body: str) -> str:
    """Fill the enforced numbers into clause prose ({register_deadline_minutes} etc.).

    Clause text is user input, so it never goes through str.format (attribute lookups and format
    specs would print Python internals or pad a page to megabytes): exactly `{known_name}` is
    replaced, and everything else — other names, `{x.attr}`, `{x:>9}`, stray braces — stays as typed.
    """
    values = {name: str(getattr(sla, name)) for name in CLAUSE_PLACEHOLDERS}
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), body)


def _require_schedule(sla: ServiceLevelAgreement) -> None:
    missing = [label for name, label in [
        ("start_date", "start date"), ("end_date", "end date"), ("hours_per_week", "hours per week"),
        ("days_and_sessions", "days and sessions"), ("number_of_pupils", "number of pupils"), ("rate", "rate"),
    ] if getattr(sla, name) in (None, "")]
    if missing:
        raise ValidationError(f"Complete the schedule before sending: {', '.join(missing)}.")


@transaction.atomic
def sla_send(*, sla: ServiceLevelAgreement, by, now: dt.datetime) -> ServiceLevelAgreement:
    sla = _lock(sla)
    if sla.status != SLAStatus.DRAFT:
        raise ValidationError("Only a draft can be sent for signature.")
    if sla.previous_id is None:  # a new SLA, not an amendment
        refuse_if_provider_suspended(school=sla.school, provider=sla.provider, doing="send it a new SLA")
    _require_schedule(sla)
    sla.status = SLAStatus.SENT
    sla.sent_at = now
    sla.first_sent_at = sla.first_sent_at or now
    sla.content_hash = content_hash(sla)
    sla.updated_at = now
    sla.save()
    return sla


@transaction.atomic
def sla_sign(*, sla: ServiceLevelAgreement, membership, typed_name: str, position: str, now: dt.datetime,
             ip_address: str | None = None) -> SLASignature:
    """Sign for the member's organisation. The signature covers the content hash computed now."""
    sla = _lock(sla)
    org = membership.organisation
    party = Party.SCHOOL if org.pk == sla.school_id else Party.PROVIDER if org.pk == sla.provider_id else None
    if party is None:
        raise ValidationError("Only the school and the provider named in the SLA can sign it.")
    if sla.status not in (SLAStatus.SENT, SLAStatus.PARTLY_SIGNED):
        raise ValidationError("This SLA is not waiting for signatures.")
    if sla.previous_id is None:  # a new SLA, not an amendment
        refuse_if_provider_suspended(school=sla.school, provider=sla.provider, doing="sign a new SLA with it")
    if sla.signatures.filter(voided_at__isnull=True, party=party).exists():
        raise ValidationError("Your organisation has already signed this SLA.")
    # The hash was fixed when the SLA was sent (never empty here): a change since is refused.
    facts = signing.prepare_signature(
        document=canonical_content(sla), fixed_hash=sla.content_hash or "-", user=membership.user,
        typed_name=typed_name, position=position, now=now,
        changed_message="The SLA changed after it was sent. It must be sent again.")
    signature = SLASignature.objects.create(
        sla=sla, party=party, organisation=org, user=facts.user, typed_name=facts.typed_name,
        position=facts.position, signed_at=facts.signed_at, ip_address=ip_address, content_hash=facts.content_hash,
    )
    parties = set(sla.signatures.filter(voided_at__isnull=True).values_list("party", flat=True))
    if parties == {Party.SCHOOL, Party.PROVIDER}:
        sla.status = SLAStatus.SIGNED
        sla.signed_at = now
        sla_id = sla.pk
        transaction.on_commit(lambda: _enqueue_pdf(sla_id))
        _register_minutes_changed(sla, now=now)
    else:
        sla.status = SLAStatus.PARTLY_SIGNED
    sla.updated_at = now
    sla.save()
    audit_record(organisation=org, user=membership.user, action=AuditAction.CHANGE, obj=sla,
                 detail=f"signed for the {party}", ip_address=ip_address)
    return signature


def _enqueue_pdf(sla_id: int) -> None:
    from .tasks import render_signed_sla_pdf

    try:
        render_signed_sla_pdf.delay(sla_id)
    except Exception:  # broker down: the PDF is rendered on first download instead
        pass


@transaction.atomic
def sla_acknowledge_safeguarding(*, sla: ServiceLevelAgreement, membership, now: dt.datetime,
                                 policy_received_on: dt.date | None = None) -> ServiceLevelAgreement:
    """Provider DSL acknowledges; the school records that it received the safeguarding policy."""
    sla = _lock(sla)
    if sla.status == SLAStatus.TERMINATED:
        raise ValidationError("This SLA has been terminated.")
    if membership.organisation_id == sla.provider_id:
        sla.provider_dsl_acknowledged_by = membership.user
        sla.provider_dsl_acknowledged_at = now
    elif membership.organisation_id == sla.school_id:
        if policy_received_on is None:
            raise ValidationError({"policy_received_on": "Enter the date you received the safeguarding policy"})
        sla.safeguarding_policy_received_on = policy_received_on
        sla.safeguarding_policy_recorded_by = membership.user
    else:
        raise ValidationError("Only the parties to the SLA can record this.")
    sla.updated_at = now
    sla.save()
    return sla


@transaction.atomic
def sla_amend(*, sla: ServiceLevelAgreement, by, now: dt.datetime) -> ServiceLevelAgreement:
    """A signed SLA never changes: an amendment is version n+1, a draft to be signed again."""
    sla = _lock(sla)
    if sla.status != SLAStatus.SIGNED:
        raise ValidationError("Only a signed SLA can be amended; edit a draft directly.")
    if ServiceLevelAgreement.objects.filter(previous=sla).exists():
        raise ValidationError("An amendment to this version already exists.")
    new = ServiceLevelAgreement(
        reference=sla.reference, version=sla.version + 1, previous=sla, school=sla.school,
        provider=sla.provider, created_by=by, created_at=now, updated_at=now,
        first_sent_at=sla.first_sent_at,
        **{name: getattr(sla, name) for name in SCHEDULE_FIELDS},
    )
    new.full_clean()
    new.save()
    new.placements.set(sla.placements.all())
    SLAClause.objects.bulk_create(
        SLAClause(sla=new, section=c.section, position=c.position, heading=c.heading, body=c.body)
        for c in sla.clauses.all()
    )
    return new


@transaction.atomic
def sla_terminate(*, sla: ServiceLevelAgreement, on: dt.date, reason: str, by, now: dt.datetime) -> ServiceLevelAgreement:
    sla = _lock(sla)
    if sla.status != SLAStatus.SIGNED:
        raise ValidationError("Only a signed SLA can be terminated.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for ending the SLA"})
    sla.status = SLAStatus.TERMINATED
    sla.terminated_on = on
    sla.termination_reason = reason.strip()
    sla.updated_at = now
    sla.save()
    _register_minutes_changed(sla, now=now)
    return sla


def _register_minutes_changed(sla: ServiceLevelAgreement, *, now: dt.datetime) -> None:
    """The SLA's register minutes now apply (signed) or stop applying (terminated) to the placements
    it covers: their expected sessions' due times follow, after commit (placements.signals)."""
    from placements.signals import schedule_changed

    covered = ServiceLevelAgreement.placements.through.objects.filter(servicelevelagreement_id=sla.pk)
    schedule_changed(covered.values_list("placement_id", flat=True), now=now)


@transaction.atomic
def template_save_from_sla(*, sla: ServiceLevelAgreement, name: str, now: dt.datetime) -> ClauseTemplate:
    template, _ = ClauseTemplate.objects.get_or_create(organisation=sla.school, name=name.strip(),
                                                       defaults={"created_at": now})
    template.clauses.all().delete()
    TemplateClause.objects.bulk_create(
        TemplateClause(template=template, section=c.section, position=c.position, heading=c.heading, body=c.body)
        for c in sla.clauses.all()
    )
    return template


# --- PDF -------------------------------------------------------------------------------------

def sla_pdf_context(sla: ServiceLevelAgreement, *, verify_url: str) -> dict:
    sections: list[dict] = []
    for clause in sla.clauses.all():
        if not sections or sections[-1]["heading"] != clause.section:
            sections.append({"heading": clause.section, "number": len(sections) + 1, "clauses": []})
        sections[-1]["clauses"].append({
            "number": f"{sections[-1]['number']}.{len(sections[-1]['clauses']) + 1}",
            "heading": clause.heading, "body": render_clause(sla, clause.body),
        })
    signatures = {s.party: s for s in sla.signatures.filter(voided_at__isnull=True).select_related("organisation")}
    return {
        "sla": sla, "sections": sections,
        "placement_refs": [f"P-{pk}" for pk in sorted(sla.placements.values_list("pk", flat=True))], "school_signature": signatures.get(Party.SCHOOL),
        "provider_signature": signatures.get(Party.PROVIDER), "verify_url": verify_url,
        "footer": f"{sla.reference} version {sla.version} · content SHA-256 {sla.content_hash}",
        "title": f"Service level agreement {sla.reference} version {sla.version}",
    }


def sla_pdf_bytes(sla: ServiceLevelAgreement) -> bytes:
    verify_url = f"{settings.APC_BASE_URL.rstrip('/')}/verify/"
    return pdf.render_pdf("print/sla.html", sla_pdf_context(sla, verify_url=verify_url))


PDF_STATES = (SLAStatus.SIGNED, SLAStatus.TERMINATED)


def in_callers_transaction() -> bool:
    """Is the caller inside a transaction of its own (a request under ATOMIC_REQUESTS, a service)?
    A test's wrapping transaction does not count."""
    return any(not getattr(block, "_from_testcase", False) for block in transaction.get_connection().atomic_blocks)


def sla_pdf_ensure(*, sla_id: int, now: dt.datetime) -> ServiceLevelAgreement:
    """Render and store the signed SLA's PDF once (idempotent: a second call does nothing).

    Meant for the Celery task (and a download view that runs outside the request transaction):
    the render (WeasyPrint, seconds for a long SLA) runs with no transaction open and no row
    locked; the file is written under a fresh name; then one short transaction stores it with a
    conditional UPDATE (only if no PDF is stored yet). If that transaction fails — the database
    raises, the worker's retry comes later — the file just written is deleted, so a retry stores
    exactly one PDF; a run that loses the race to another deletes its own file too.
    Called inside a caller's transaction it still works, but a rollback of that transaction
    after this returns would leave an unreferenced file behind (never a wrong PDF): don't.
    """
    if in_callers_transaction():
        log.warning("sla_pdf_ensure(%s) called inside a transaction: render it in the task instead", sla_id)
    with scopes_disabled():
        sla = ServiceLevelAgreement.objects.select_related("school", "provider").get(pk=sla_id)
        if sla.pdf_sha256:
            return sla
        if sla.status not in PDF_STATES:
            raise ValidationError("Only a signed SLA has a PDF.")
        data = sla_pdf_bytes(sla)
    name = f"slas/{sla.reference}-v{sla.version}-{secrets.token_hex(8)}.pdf"
    path = pdf_file_for(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        stored = _sla_pdf_store(sla_id=sla_id, name=name, digest=pdf.sha256(data), now=now)
    except BaseException:
        path.unlink(missing_ok=True)  # the transaction failed: nothing refers to this file
        raise
    if not stored:
        path.unlink(missing_ok=True)  # another run stored its PDF first
    with scopes_disabled():
        return ServiceLevelAgreement.objects.select_related("school", "provider").get(pk=sla_id)


def _sla_pdf_store(*, sla_id: int, name: str, digest: str, now: dt.datetime) -> bool:
    """Record the rendered file on the SLA unless one is recorded already (conditional UPDATE)."""
    with transaction.atomic():
        return ServiceLevelAgreement._base_manager.filter(pk=sla_id, pdf_sha256="", status__in=PDF_STATES).update(
            pdf_path=name, pdf_sha256=digest, pdf_generated_at=now) == 1


def pdf_file_for(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def sla_pdf_file(sla: ServiceLevelAgreement) -> Path:
    return pdf_file_for(sla.pdf_path)
