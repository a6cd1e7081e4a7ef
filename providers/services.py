"""Writes for the provider directory and due diligence. Each runs in one transaction.

Every service is called inside the acting organisation's scope (views are under /o/<org>/). Expiry
reminders run on the escalation engine (providers/ladders.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from apcommission.clock import LONDON
from escalation.services import Start, escalation_resolve_many, escalation_restart_many
from tenancy.models import AuditAction, Membership, Organisation
from tenancy.roles import OrganisationKind, Role
from tenancy.scoping import scope
from tenancy.services import audit_record

from . import conf, rules
from .ladders import DBS_EXPIRY, DOCUMENT_EXPIRY, TRAINING_EXPIRY, expiry_anchors
from .models import (
    ALWAYS_APPLICABLE,
    SUITABILITY_DOCUMENTS,
    CheckOutcome,
    CheckStatus,
    DeclaredPupilGroup,
    DocumentKind,
    KcsieConfirmation,
    ListingStatus,
    Offer,
    PolicyDocument,
    ProviderListing,
    ProviderProfile,
    ProviderSite,
    StaffMember,
    StaffVetting,
    SuitabilityCheck,
    SuitabilityCheckItem,
    SuitabilityItem,
)
from .storage import validate_upload


def local_date(now: dt.datetime) -> dt.date:
    return now.astimezone(LONDON).date()


def _set_fields(obj, data: Mapping) -> None:
    for name, value in data.items():
        setattr(obj, name, value)


# --- Profile, registration, sites, pupils ---------------------------------------------------

def profile_get_or_create(*, provider: Organisation) -> ProviderProfile:
    profile = ProviderProfile.objects.filter(provider=provider).first()
    if profile is None:
        profile = ProviderProfile(provider=provider, postcode=provider.postcode or "")
        profile.save()
    return profile


@transaction.atomic
def profile_update(*, profile: ProviderProfile, data: Mapping, by, now: dt.datetime) -> ProviderProfile:
    """Change the profile (any subset of its editable fields) and audit the change."""
    profile = ProviderProfile.objects.select_for_update().get(pk=profile.pk)
    _set_fields(profile, data)
    profile.updated_at, profile.updated_by = now, by
    profile.full_clean()
    profile.save()
    audit_record(organisation=profile.provider, user=by, action=AuditAction.CHANGE, obj=profile,
                 detail="profile: " + ", ".join(sorted(data))[:280])
    return profile


def _registration_recompute(provider: Organisation) -> None:
    from .selectors import registration_assessment

    assessment = registration_assessment(provider=provider)
    profile = profile_get_or_create(provider=provider)
    ProviderProfile.objects.filter(pk=profile.pk).update(registration_required=assessment.required)


@transaction.atomic
def pupil_group_add(*, provider: Organisation, data: Mapping, by, now: dt.datetime) -> DeclaredPupilGroup:
    group = DeclaredPupilGroup(provider=provider, **data)
    group.full_clean()
    group.save()
    _registration_recompute(provider)
    audit_record(organisation=provider, user=by, action=AuditAction.CREATE, obj=group)
    return group


@transaction.atomic
def pupil_group_delete(*, group: DeclaredPupilGroup, by, now: dt.datetime) -> None:
    provider = group.provider
    audit_record(organisation=provider, user=by, action=AuditAction.DELETE, obj=group)
    group.delete()
    _registration_recompute(provider)


@transaction.atomic
def site_add(*, provider: Organisation, data: Mapping, by, now: dt.datetime) -> ProviderSite:
    site = ProviderSite(provider=provider, **data)
    site.full_clean()
    site.save()
    audit_record(organisation=provider, user=by, action=AuditAction.CREATE, obj=site)
    return site


@transaction.atomic
def site_delete(*, site: ProviderSite, by, now: dt.datetime) -> None:
    audit_record(organisation=site.provider, user=by, action=AuditAction.DELETE, obj=site)
    site.delete()


# --- Offer ---------------------------------------------------------------------------------

@transaction.atomic
def offer_save(*, provider: Organisation, data: Mapping, by, now: dt.datetime, offer: Offer | None = None) -> Offer:
    created = offer is None
    offer = offer or Offer(provider=provider)
    _set_fields(offer, data)
    offer.full_clean()
    offer.save()
    audit_record(organisation=provider, user=by, action=AuditAction.CREATE if created else AuditAction.CHANGE, obj=offer)
    return offer


@transaction.atomic
def offer_delete(*, offer: Offer, by, now: dt.datetime) -> None:
    audit_record(organisation=offer.provider, user=by, action=AuditAction.DELETE, obj=offer)
    offer.delete()


# --- Policy documents ----------------------------------------------------------------------

DOCUMENT_EXTRA_FIELDS = {
    DocumentKind.INSURANCE: ("insurer", "cover_amount", "covers_under_16s"),
    DocumentKind.FIRE_RISK: ("last_fire_drill_on",),
}


def document_upload(
    *, provider: Organisation, kind: str, uploaded, issued_on: dt.date, review_on: dt.date, by,
    now: dt.datetime, extra: Mapping | None = None,
) -> PolicyDocument:
    """Store a new current version of a document (the previous one is kept, not current).

    The file is checked first (type by its bytes, size, not empty): a bad file raises
    ValidationError and nothing is stored. If the database write fails after the file was written,
    the file is removed again.
    """
    checked = validate_upload(uploaded)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "Select which document this is"})
    extra = {k: v for k, v in (extra or {}).items() if k in DOCUMENT_EXTRA_FIELDS.get(kind, ())}
    stored_name = None
    try:
        with transaction.atomic():
            previous = list(PolicyDocument.objects.select_for_update().filter(provider=provider, kind=kind, is_current=True))
            for old in previous:
                old.is_current, old.superseded_at = False, now
                old.save(update_fields=["is_current", "superseded_at"])
            if previous:  # the replaced versions' expiry reminders stop
                escalation_resolve_many(ladder=DOCUMENT_EXPIRY, target_model=PolicyDocument,
                                        target_ids=[old.pk for old in previous], by=by,
                                        note="A new version was uploaded.", now=now)
            doc = PolicyDocument(
                provider=provider, kind=kind, original_name=checked.original_name,
                content_type=checked.file_type.content_type, size=checked.size, sha256=checked.sha256,
                issued_on=issued_on, review_on=review_on, uploaded_by=by, uploaded_at=now, **extra,
            )
            doc._detected_extension = checked.file_type.extension
            doc.full_clean(exclude=["file"])
            doc.file.save("upload", uploaded, save=False)
            stored_name = doc.file.name
            doc.save()
            expiry_reminders_start(ladder=DOCUMENT_EXPIRY, row=doc, due=review_on, now=now)
            audit_record(organisation=provider, user=by, action=AuditAction.CREATE, obj=doc,
                         detail=f"uploaded {checked.file_type.label}, {checked.size} bytes")
    except BaseException:
        if stored_name:
            PolicyDocument.file.field.storage.delete(stored_name)
        raise
    return doc


def document_download_record(*, document: PolicyDocument, request_organisation: Organisation, user, ip_address=None) -> None:
    """Audit a download: in the downloading organisation's log and, when that is not the provider,
    in the provider's log too (so a provider can see who read its pack)."""
    audit_record(organisation=request_organisation, user=user, action=AuditAction.DOWNLOAD, obj=document,
                 detail=f"{document.provider.name}: {document.get_kind_display()}", ip_address=ip_address)
    if request_organisation.pk != document.provider_id:
        audit_record(organisation=document.provider, user=user, action=AuditAction.DOWNLOAD, obj=document,
                     detail=f"by {request_organisation.name}", ip_address=ip_address)


# --- Staff vetting register ----------------------------------------------------------------

PERSONAL_FIELDS = ("full_name", "job_title", "dbs_certificate_number", "qualifications", "left_on")
VETTING_FIELDS = ("is_manager", "dbs_enhanced", "dbs_issued_on", "dbs_update_service", "dbs_status_checked_on",
                  "barred_list_checked_on", "right_to_work_checked_on", "training_level", "trained_on", "team_teach")


@transaction.atomic
def staff_save(
    *, provider: Organisation, data: Mapping, by, now: dt.datetime, staff: StaffMember | None = None,
) -> StaffMember:
    """Add or change a staff member's record: personal details and vetting facts together.

    Due dates are derived here, and a changed due date restarts that item's reminders (a fresh run of
    its expiry ladder); a person who left, or an item with no date, is reminded of nothing.
    """
    created = staff is None
    if staff is None:
        staff = StaffMember(provider=provider, created_at=now)
        vetting = StaffVetting(provider=provider)
    else:
        staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
        vetting = StaffVetting.objects.select_for_update().get(staff=staff)
    _set_fields(staff, {k: v for k, v in data.items() if k in PERSONAL_FIELDS})
    _set_fields(vetting, {k: v for k, v in data.items() if k in VETTING_FIELDS})
    if not vetting.dbs_update_service:
        vetting.dbs_status_checked_on = None
    staff.updated_at = now
    before = (vetting.is_active, vetting.dbs_due_on, vetting.training_due_on)
    vetting.derive_due_dates()
    vetting.is_active = staff.left_on is None or staff.left_on > local_date(now)
    staff.full_clean()
    staff.save()
    vetting.staff = staff
    vetting.full_clean()
    vetting.save()
    was_active, old_dues = before[0] and not created, {DBS_EXPIRY: before[1], TRAINING_EXPIRY: before[2]}
    for ladder, due in ((DBS_EXPIRY, vetting.dbs_due_on), (TRAINING_EXPIRY, vetting.training_due_on)):
        if not vetting.is_active or due is None:
            escalation_resolve_many(ladder=ladder, target_model=StaffVetting, target_ids=[vetting.pk], by=by,
                                    note="No longer due: left, or no date.", now=now)
        elif not was_active or due != old_dues[ladder]:
            expiry_reminders_start(ladder=ladder, row=vetting, due=due, now=now)
    audit_record(organisation=provider, user=by, action=AuditAction.CREATE if created else AuditAction.CHANGE,
                 obj=staff, detail="vetting register")
    return staff


KCSIE_STATEMENT = (
    "I confirm that every member of staff and volunteer working with pupils has had the recruitment "
    "and vetting checks required by the current Keeping Children Safe in Education (KCSIE), "
    "including an enhanced DBS check with a children's barred list check, identity and right to work "
    "checks, and that these are recorded on our single central record."
)


@transaction.atomic
def kcsie_confirm(*, provider: Organisation, by, job_title: str, now: dt.datetime) -> KcsieConfirmation:
    if not job_title.strip():
        raise ValidationError({"job_title": "Enter your role"})
    today = local_date(now)
    confirmation = KcsieConfirmation(
        provider=provider, statement=KCSIE_STATEMENT,
        staff_count=StaffVetting.objects.filter(provider=provider, is_active=True).count(),
        confirmed_by=by, confirmed_by_name=by.full_name or by.email, confirmed_by_role=job_title.strip(),
        confirmed_at=now,
        valid_until=rules.add_months(today, conf.get("APC_KCSIE_CONFIRMATION_MONTHS")) - dt.timedelta(days=1),
    )
    confirmation.full_clean()
    confirmation.save()
    audit_record(organisation=provider, user=by, action=AuditAction.CREATE, obj=confirmation)
    return confirmation


# --- LA directory --------------------------------------------------------------------------

def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "provider"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def directory_provider_create(*, local_authority: Organisation, name: str, postcode: str, by, now: dt.datetime) -> ProviderListing:
    """An LA officer adds a provider that is not on the service yet, and lists it."""
    name = " ".join(name.split())
    if Organisation.objects.filter(kind=OrganisationKind.PROVIDER, name__iexact=name,
                                   postcode__iexact=postcode.strip()).exists():
        raise ValidationError({"name": "A provider with this name and postcode is already on the service: find it "
                                       "in the search above and add it to your directory"})
    provider = Organisation(kind=OrganisationKind.PROVIDER, name=name, slug=_unique_slug(name),
                            postcode=postcode.strip().upper(), local_authority=local_authority)
    provider.full_clean()
    provider.save()
    listing = directory_provider_list(local_authority=local_authority, provider=provider, by=by, now=now)
    with scope(organisation=provider):
        profile_get_or_create(provider=provider)
    return listing


@transaction.atomic
def directory_provider_list(*, local_authority: Organisation, provider: Organisation, by, now: dt.datetime) -> ProviderListing:
    """List an existing provider in the LA's directory (its pack becomes visible to the LA and its schools)."""
    if provider.kind != OrganisationKind.PROVIDER:
        raise ValidationError("Only alternative providers can be listed.")
    try:
        with transaction.atomic():
            listing = ProviderListing.objects.create(local_authority=local_authority, provider=provider,
                                                     status_changed_at=now, status_changed_by=by)
    except IntegrityError as exc:
        raise ValidationError("This provider is already in your directory.") from exc
    audit_record(organisation=local_authority, user=by, action=AuditAction.CREATE, obj=listing)
    return listing


# What an LA officer may decide by hand on the directory page (a QA visit's outcome is decided
# when the visit is signed): approve, suspend, and the two refusals.
LA_DECIDABLE_STATUSES = (ListingStatus.APPROVED, ListingStatus.SUSPENDED, ListingStatus.NOT_APPROVED,
                         ListingStatus.WITHDRAWN)


@transaction.atomic
def listing_status_set(*, listing: ProviderListing, status: str, by, now: dt.datetime,
                       reason: str = "") -> ProviderListing:
    """An LA officer changes a provider's status: recorded as an approval decision (the approved
    list's history, qa_framework.approval), which writes the listing's current status."""
    from . import api

    if status not in LA_DECIDABLE_STATUSES:
        raise ValidationError({"status": "Select a status"})
    api.decide_listing_status(local_authority=listing.local_authority, provider=listing.provider, status=status,
                              reason=reason, by=by, now=now)
    return ProviderListing.objects.get(pk=listing.pk)


def listing_status_store(*, local_authority: Organisation, provider: Organisation, status: str, by,
                         now: dt.datetime) -> ProviderListing:
    """The one write of ProviderListing.status (through providers.api.listing_status_write, from
    the approval decision service only)."""
    if status not in ListingStatus.values:
        raise ValidationError({"status": "Select a status"})
    listing, created = (ProviderListing._base_manager.select_for_update()
                        .get_or_create(local_authority=local_authority, provider=provider,
                                       defaults={"status": status, "status_changed_at": now, "status_changed_by": by}))
    old = "not listed" if created else listing.get_status_display()
    listing.status, listing.status_changed_at, listing.status_changed_by = status, now, by
    listing.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    audit_record(organisation=local_authority, user=by, action=AuditAction.CHANGE, obj=listing,
                 detail=f"status {old} → {listing.get_status_display()}")
    return listing


def provider_has_people(provider: Organisation) -> bool:
    with scope(organisation=provider):
        return Membership.objects.filter(is_active=True).exists()


INVITABLE_PROVIDER_ROLES = (Role.PROVIDER_MANAGER, Role.ORG_ADMIN)


def provider_admin_invite(*, listing: ProviderListing, email: str, full_name: str, role: str, by,
                          now: dt.datetime, base_url: str, ip_address: str | None = None):
    """An LA officer invites the first person of a provider it listed.

    Only while the provider has nobody on the service yet: after that its own admins decide who
    joins (an LA must not be able to give itself access to a provider's staff records).
    """
    from accounts.services import invitation_create

    if role not in INVITABLE_PROVIDER_ROLES:
        raise ValidationError({"role": "Select the person's role"})
    if provider_has_people(listing.provider):
        raise ValidationError("This provider already has people on the service. Ask its organisation admin to invite colleagues.")
    invitation, token = invitation_create(
        organisation=listing.provider, invited_by=by, email=email, full_name=full_name, role=role,
        now=now, base_url=base_url, ip_address=ip_address,
    )
    audit_record(organisation=listing.local_authority, user=by, action=AuditAction.INVITE, obj=listing,
                 detail=f"{invitation.get_role_display()} for {listing.provider.name}", ip_address=ip_address)
    return invitation, token


# --- School suitability checks -------------------------------------------------------------

@transaction.atomic
def suitability_check_start(*, school: Organisation, provider: Organisation, by, now: dt.datetime) -> SuitabilityCheck:
    """The school's check in progress for this provider (started now if there is none)."""
    check = SuitabilityCheck.objects.select_for_update().filter(school=school, provider=provider,
                                                                status=CheckStatus.DRAFT).first()
    if check is None:
        check = SuitabilityCheck(school=school, provider=provider, started_at=now, started_by=by)
        check.full_clean()
        check.save()
        audit_record(organisation=school, user=by, action=AuditAction.CREATE, obj=check)
    return check


@transaction.atomic
def suitability_answers_save(
    *, check: SuitabilityCheck, answers: Mapping[str, tuple[str, ...]], by, now: dt.datetime,
) -> SuitabilityCheck:
    """Record outcome, evidence and (where the pack lacks the document) justification per item:
    `answers[item]` is (outcome, evidence) or (outcome, evidence, justification). An answer that
    changes gets today's date; blank outcomes are left unanswered."""
    check = SuitabilityCheck.objects.select_for_update().get(pk=check.pk)
    if check.status != CheckStatus.DRAFT:
        raise ValidationError("This check has been signed off. Start a new check to change it.")
    existing = {i.item: i for i in SuitabilityCheckItem.objects.filter(suitability_check=check)}
    today = local_date(now)
    for item, answer in answers.items():
        if item not in SuitabilityItem.values:
            continue
        outcome, evidence, justification = (tuple(answer) + ("",))[:3]
        evidence, justification = (evidence or "").strip(), (justification or "").strip()
        row = existing.get(item)
        if not outcome:
            if row is not None:
                row.delete()
            continue
        if row is not None and (row.outcome, row.evidence, row.justification) == (outcome, evidence, justification):
            continue
        row = row or SuitabilityCheckItem(suitability_check=check, item=item)
        row.outcome, row.evidence, row.justification = outcome, evidence, justification
        row.checked_on, row.recorded_by = today, by
        row.full_clean()
        row.save()
    audit_record(organisation=check.school, user=by, action=AuditAction.CHANGE, obj=check, detail="answers saved")
    return check


def suitability_pack_gaps(*, provider: Organisation, on: dt.date) -> dict[str, list[str]]:
    """For each check the pack evidences, the labels of its documents that are missing or expired."""
    from .selectors import compliance_summary

    bad = {line.kind: line.label for line in compliance_summary(provider=provider, on=on).documents
           if line.status in (rules.MISSING, rules.EXPIRED)}
    return {item: [bad[kind] for kind in kinds if kind in bad]
            for item, kinds in SUITABILITY_DOCUMENTS.items() if any(kind in bad for kind in kinds)}


def suitability_signoff_problems(*, check: SuitabilityCheck, profile: ProviderProfile | None,
                                 on: dt.date) -> list[str]:
    """Why this check cannot be signed off yet (empty when it can)."""
    answers = {i.item: i for i in SuitabilityCheckItem.objects.filter(suitability_check=check)}
    gaps = suitability_pack_gaps(provider=check.provider, on=on)
    problems = []
    unanswered = [label for value, label in SuitabilityItem.choices if value not in answers]
    if unanswered:
        problems.append(f"Answer every check: {len(unanswered)} not answered yet")
    for value, label in SuitabilityItem.choices:
        answer = answers.get(value)
        if answer is None:
            continue
        if answer.outcome == CheckOutcome.NOT_MET:
            problems.append(f"Not met: {label}")
        elif answer.outcome == CheckOutcome.NOT_APPLICABLE:
            if value in ALWAYS_APPLICABLE:
                problems.append(f"This check always applies: {label}")
            elif not answer.evidence:
                problems.append(f"Say why this does not apply: {label}")
        elif not answer.evidence:
            problems.append(f"Record the evidence for: {label}")
        elif value in gaps and not answer.justification:
            problems.append(f"The provider's pack has no current {' or '.join(d.lower() for d in gaps[value])}: "
                            f"say why this is met all the same, or mark it not met: {label}")
    if profile is not None and profile.must_register:
        problems.append("The provider teaches pupils in a way that requires registration as an independent "
                        "school but is not registered: halt the placement discussion")
    return problems


@transaction.atomic
def suitability_signoff(*, check: SuitabilityCheck, by, job_title: str, now: dt.datetime) -> SuitabilityCheck:
    check = SuitabilityCheck.objects.select_for_update().get(pk=check.pk)
    if check.status != CheckStatus.DRAFT:
        raise ValidationError("This check has already been signed off.")
    if not job_title.strip():
        raise ValidationError({"job_title": "Enter your role"})
    profile = ProviderProfile.objects.filter(provider_id=check.provider_id).first()
    problems = suitability_signoff_problems(check=check, profile=profile, on=local_date(now))
    if problems:
        raise ValidationError(problems)
    today = local_date(now)
    check.status = CheckStatus.SIGNED_OFF
    check.signed_off_at, check.signed_off_by = now, by
    check.signed_off_by_name, check.signed_off_by_role = by.full_name or by.email, job_title.strip()
    check.valid_until = rules.add_months(today, conf.get("APC_SUITABILITY_VALID_MONTHS")) - dt.timedelta(days=1)
    check.full_clean()
    check.save()
    audit_record(organisation=check.school, user=by, action=AuditAction.CHANGE, obj=check,
                 detail=f"signed off until {check.valid_until:%d/%m/%Y}")
    return check


# --- Expiry reminders (providers/ladders.py on the escalation engine) ----------------------


def expiry_reminders_start(*, ladder: str, row, due: dt.date, now: dt.datetime) -> None:
    """(Re)start the expiry reminders of one document or vetting item expiring on `due`: a fresh
    run of `ladder` (the 30-day reminder, then "expired"), whatever an earlier date had reached."""
    escalation_restart_many(ladder=ladder, target_model=type(row), now=now,
                            starts=[Start(target_id=row.pk, organisation_id=row.provider_id,
                                          anchors=expiry_anchors(due))])
