"""Reads for the provider directory and due diligence. Everything goes through the scoping layer:
call these inside the reading organisation's scope (a request under /o/<org>/), so a provider
reads its own pack, an LA the packs of providers it lists, a school those listed by its LA.

Query budgets: the directory page and the compliance summaries are a fixed number of queries
whatever the number of providers (the summaries are computed for a page of providers at once).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind

from . import conf, rules
from .models import (
    REQUIRED_DOCUMENT_KINDS,
    WEEKDAYS,
    CheckStatus,
    DeclaredPupilGroup,
    DocumentKind,
    KcsieConfirmation,
    Offer,
    PolicyDocument,
    ProviderListing,
    ProviderProfile,
    ProviderSite,
    RegistrationStatus,
    StaffMember,
    StaffVetting,
    SuitabilityCheck,
)

# --- Compliance at a glance ----------------------------------------------------------------


@dataclass
class CheckLine:
    label: str
    status: str  # rules.CURRENT / EXPIRING / EXPIRED / MISSING
    detail: str = ""
    due: dt.date | None = None
    document: PolicyDocument | None = None
    kind: str = ""


@dataclass
class VettingSummary:
    """What a school or LA may know about a provider's staff checks: counts, no names."""

    staff: int = 0
    dbs_current: int = 0
    dbs_expiring: int = 0
    barred_list_checked: int = 0
    right_to_work_checked: int = 0
    training_current: int = 0
    training_expiring: int = 0
    managers: int = 0
    managers_level3: int = 0
    team_teach: int = 0

    def _status(self, current: int, expiring: int = 0) -> str:
        if self.staff == 0 or current < self.staff:
            return rules.MISSING if self.staff == 0 else rules.EXPIRED
        return rules.EXPIRING if expiring else rules.CURRENT

    def lines(self) -> list[CheckLine]:
        n = self.staff
        soon = f"within {conf.get('APC_EXPIRY_WARNING_DAYS')} days"
        training = (f"level 2 every {conf.get('APC_TRAINING_LEVEL2_MONTHS')} months; managers level 3 or 4 every "
                    f"{conf.get('APC_TRAINING_LEVEL3_MONTHS')} months")
        return [
            CheckLine("Enhanced DBS checks", self._status(self.dbs_current, self.dbs_expiring),
                      f"{self.dbs_current} of {n} current" + (f", {self.dbs_expiring} due for renewal {soon}" if self.dbs_expiring else "")),
            CheckLine("Children's barred list checks", self._status(self.barred_list_checked),
                      f"{self.barred_list_checked} of {n} checked"),
            CheckLine("Right to work checks", self._status(self.right_to_work_checked),
                      f"{self.right_to_work_checked} of {n} checked"),
            CheckLine("Safeguarding training at the right level", self._status(self.training_current, self.training_expiring),
                      f"{self.training_current} of {n} current ({training})"
                      + (f", {self.training_expiring} due {soon}" if self.training_expiring else "")),
        ]


@dataclass
class ComplianceSummary:
    provider_id: int
    documents: list[CheckLine] = field(default_factory=list)
    vetting: VettingSummary = field(default_factory=VettingSummary)
    kcsie: CheckLine | None = None
    profile_complete: bool = False
    must_register: bool = False

    @property
    def vetting_lines(self) -> list[CheckLine]:
        return self.vetting.lines()

    @property
    def all_lines(self) -> list[CheckLine]:
        lines = list(self.documents) + self.vetting_lines
        if self.kcsie is not None:
            lines.append(self.kcsie)
        lines.append(CheckLine("Profile complete", rules.CURRENT if self.profile_complete else rules.MISSING))
        if self.must_register:
            lines.append(CheckLine("Registration", rules.MISSING, "Must register as an independent school"))
        return lines

    @property
    def rag(self) -> str:
        return rules.rag(line.status for line in self.all_lines)

    @property
    def rag_label(self) -> str:
        return {rules.GREEN: "All current", rules.AMBER: "Expiring soon", rules.RED: "Missing or expired"}[self.rag]

    def count(self, status: str) -> int:
        return sum(1 for line in self.all_lines if line.status == status)

    @property
    def current_count(self) -> int:
        return self.count(rules.CURRENT)

    @property
    def expiring_count(self) -> int:
        return self.count(rules.EXPIRING)

    @property
    def missing_or_expired_count(self) -> int:
        return self.count(rules.MISSING) + self.count(rules.EXPIRED)

    @property
    def problems(self) -> list[CheckLine]:
        return [line for line in self.all_lines if line.status != rules.CURRENT]


def _vetting_counts(provider_ids, on: dt.date) -> dict[int, VettingSummary]:
    soon = on + dt.timedelta(days=conf.get("APC_EXPIRY_WARNING_DAYS"))
    level_ok = Q(is_manager=False, training_level__gte=2) | Q(is_manager=True, training_level__gte=3)
    rows = (
        StaffVetting.objects.filter(provider_id__in=provider_ids, is_active=True)
        .values("provider_id")
        .annotate(
            staff=Count("pk"),
            dbs_current=Count("pk", filter=Q(dbs_enhanced=True, dbs_due_on__gt=on)),
            dbs_expiring=Count("pk", filter=Q(dbs_enhanced=True, dbs_due_on__gt=on, dbs_due_on__lte=soon)),
            barred_list_checked=Count("pk", filter=Q(barred_list_checked_on__isnull=False)),
            right_to_work_checked=Count("pk", filter=Q(right_to_work_checked_on__isnull=False)),
            training_current=Count("pk", filter=level_ok & Q(training_due_on__gt=on)),
            training_expiring=Count("pk", filter=level_ok & Q(training_due_on__gt=on, training_due_on__lte=soon)),
            managers=Count("pk", filter=Q(is_manager=True)),
            managers_level3=Count("pk", filter=Q(is_manager=True, training_level__gte=3)),
            team_teach=Count("pk", filter=Q(team_teach=True)),
        )
        .order_by()
    )
    return {row.pop("provider_id"): VettingSummary(**row) for row in rows}


def compliance_summaries(providers, *, on: dt.date, profiles: dict | None = None) -> dict[int, ComplianceSummary]:
    """Compliance for a set of providers in 4 queries (documents, vetting counts, KCSIE, profiles —
    the last is skipped when `profiles` {provider_id: profile or None} is given)."""
    ids = [p.pk if isinstance(p, Organisation) else p for p in providers]
    if profiles is None:
        profiles = {p.provider_id: p for p in ProviderProfile.objects.filter(provider_id__in=ids)}
    docs: dict[int, dict[str, PolicyDocument]] = {}
    for doc in (PolicyDocument.objects.filter(provider_id__in=ids, is_current=True)
                .only("pk", "provider_id", "kind", "review_on", "issued_on", "insurer", "cover_amount",
                      "covers_under_16s", "last_fire_drill_on", "size", "content_type", "file")):
        docs.setdefault(doc.provider_id, {})[doc.kind] = doc
    vetting = _vetting_counts(ids, on)
    kcsie = dict(KcsieConfirmation.objects.filter(provider_id__in=ids).values("provider_id")
                 .annotate(until=Max("valid_until")).order_by().values_list("provider_id", "until"))
    labels = dict(DocumentKind.choices)
    out = {}
    for pid in ids:
        summary = ComplianceSummary(provider_id=pid, vetting=vetting.get(pid, VettingSummary()))
        own = docs.get(pid, {})
        for kind in REQUIRED_DOCUMENT_KINDS:
            doc = own.get(kind)
            status = rules.expiry_status(doc.review_on if doc else None, on=on)
            detail = ""
            if doc and kind == DocumentKind.INSURANCE and doc.covers_under_16s is False:
                status, detail = rules.MISSING, "Does not cover pupils under 16"
            summary.documents.append(CheckLine(labels[kind], status, detail, doc.review_on if doc else None, doc, kind))
        until = kcsie.get(pid)
        summary.kcsie = CheckLine(
            "Written confirmation that staff checks meet KCSIE",
            rules.expiry_status(until + dt.timedelta(days=1) if until else None, on=on), due=until,
        )
        profile = profiles.get(pid)
        summary.profile_complete = bool(profile) and not profile.missing_fields
        summary.must_register = bool(profile) and profile.must_register
        out[pid] = summary
    return out


def compliance_summary(*, provider: Organisation, on: dt.date) -> ComplianceSummary:
    return compliance_summaries([provider.pk], on=on)[provider.pk]


def vetting_summary(*, provider: Organisation, on: dt.date) -> VettingSummary:
    return _vetting_counts([provider.pk], on).get(provider.pk, VettingSummary())


# --- The provider's own pack ----------------------------------------------------------------

def profile_for(*, provider: Organisation) -> ProviderProfile | None:
    return ProviderProfile.objects.filter(provider=provider).first()


def profile_or_blank(*, provider: Organisation) -> ProviderProfile:
    """The provider's profile, or an unsaved blank one (services.profile_get_or_create saves it)."""
    return profile_for(provider=provider) or ProviderProfile(provider=provider, postcode=provider.postcode or "")


def offers_for(*, provider: Organisation):
    return Offer.objects.filter(provider=provider, is_active=True).order_by("title")


def sites_for(*, provider: Organisation):
    return ProviderSite.objects.filter(provider=provider)


def pupil_groups_for(*, provider: Organisation):
    return DeclaredPupilGroup.objects.filter(provider=provider)


def current_documents(*, provider: Organisation):
    return PolicyDocument.objects.filter(provider=provider, is_current=True).order_by("kind")


def document_history(*, provider: Organisation, kind: str):
    return PolicyDocument.objects.filter(provider=provider, kind=kind).select_related("uploaded_by").order_by("-uploaded_at")


def staff_register(*, provider: Organisation):
    """The provider's own register: personal details and checks. Only the provider can read
    StaffMember rows (scope_q), so in any other scope this is empty."""
    return StaffMember.objects.filter(provider=provider).select_related("vetting").order_by("left_on", "full_name")


def latest_kcsie_confirmation(*, provider: Organisation) -> KcsieConfirmation | None:
    return KcsieConfirmation.objects.filter(provider=provider).order_by("-confirmed_at").first()


def registration_assessment(*, provider: Organisation, on: dt.date | None = None) -> rules.RegistrationAssessment:
    """The directory's registration summary: the same figures as the agreement check (pupils
    placed through the service, counted, plus those the provider declares from elsewhere)."""
    from apcommission import clock

    from .api import registration_figures

    return registration_figures(provider=provider, on=on or clock.today()).assessment


# --- Directory ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    area: int | None = None  # the provider's home LA
    subject: str = ""
    registration: str = ""  # registered / unregistered / must_register
    status: str = ""  # LA listing status
    send: bool = False
    days: tuple[str, ...] = ()


def directory_listings(filters: DirectoryFilters = DirectoryFilters()):
    """The directory rows visible here (an LA's own listings; a school's LA's listings), filtered.
    One row per provider; a fixed number of queries whatever the size."""
    qs = ProviderListing.objects.select_related(
        "provider", "provider__provider_profile", "provider__local_authority",
    ).order_by("provider__name", "pk")
    if filters.q:
        words = filters.q.split()[:6]
        for word in words:
            offers = Offer.objects.filter(provider_id=OuterRef("provider_id"), is_active=True).filter(
                Q(title__icontains=word) | Q(qualification__icontains=word) | Q(expected_outcome__icontains=word))
            qs = qs.filter(
                Q(provider__name__icontains=word) | Q(provider__provider_profile__legal_name__icontains=word)
                | Q(provider__provider_profile__overview__icontains=word)
                | Q(provider__provider_profile__postcode__icontains=word) | Q(provider__postcode__icontains=word)
                | Q(provider__provider_profile__send_detail__icontains=word)
                | Exists(offers)
            )
    if filters.area:
        qs = qs.filter(provider__local_authority_id=filters.area)
    if filters.subject:
        qs = qs.filter(Exists(Offer.objects.filter(provider_id=OuterRef("provider_id"), is_active=True,
                                                   subject=filters.subject)))
    if filters.registration == "registered":
        qs = qs.filter(provider__provider_profile__registration_status=RegistrationStatus.REGISTERED)
    elif filters.registration == "unregistered":
        qs = qs.exclude(provider__provider_profile__registration_status=RegistrationStatus.REGISTERED)
    elif filters.registration == "must_register":
        qs = qs.filter(provider__provider_profile__registration_status=RegistrationStatus.UNREGISTERED,
                       provider__provider_profile__registration_required=True)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.send:
        qs = qs.filter(provider__provider_profile__send_suitable=True)
    for day in filters.days:
        if day in dict(WEEKDAYS):
            qs = qs.filter(Exists(Offer.objects.filter(provider_id=OuterRef("provider_id"), is_active=True,
                                                       **{f"on_{day}": True})))
    return qs


def directory_areas():
    """Home LAs of the providers in this directory (for the area filter): one query."""
    return Organisation.objects.filter(
        kind=OrganisationKind.LOCAL_AUTHORITY,
        pk__in=ProviderListing.objects.values("provider__local_authority_id"),
    ).order_by("name")


def directory_page_details(listings, *, on: dt.date, school: Organisation | None = None) -> list[dict]:
    """Compliance, offers and (for a school) its own sign-off for a page of directory rows:
    a fixed number of queries for the page."""
    listings = list(listings)
    ids = [row.provider_id for row in listings]
    profiles = {row.provider_id: getattr(row.provider, "provider_profile", None) for row in listings}
    summaries = compliance_summaries(ids, on=on, profiles=profiles)
    subjects: dict[int, set[str]] = {}
    for pid, subject in Offer.objects.filter(provider_id__in=ids, is_active=True).values_list("provider_id", "subject"):
        subjects.setdefault(pid, set()).add(subject)
    signed = {}
    if school is not None:
        signed = signoffs_until(school=school, provider_ids=ids)
    from .models import SubjectArea

    labels = dict(SubjectArea.choices)
    rows = []
    for listing in listings:
        pid = listing.provider_id
        until = signed.get(pid)
        rows.append({
            "listing": listing, "provider": listing.provider, "profile": profiles.get(pid),
            "compliance": summaries[pid],
            "subjects": sorted(labels[s] for s in subjects.get(pid, ())),
            "signed_off_until": until, "signoff_current": bool(until and until >= on),
        })
    return rows


def listing_status(provider: Organisation, local_authority: Organisation) -> str | None:
    """The LA's listing status for the provider (a ListingStatus value: listed, approved or
    suspended), or None when that LA does not list it. Read through the scope: the LA, the
    provider and the schools in that LA's area can ask."""
    return (ProviderListing.objects.filter(provider=provider, local_authority=local_authority)
            .values_list("status", flat=True).first())


def directory_provider(*, provider_pk: int) -> ProviderListing | None:
    """The listing through which this organisation sees the provider (None → not visible: 404)."""
    return (ProviderListing.objects.select_related("provider", "provider__local_authority", "local_authority")
            .filter(provider_id=provider_pk).order_by("pk").first())


# --- Suitability checks --------------------------------------------------------------------

def signoffs_until(*, school: Organisation, provider_ids) -> dict[int, dt.date]:
    return dict(
        SuitabilityCheck.objects.filter(school=school, provider_id__in=list(provider_ids), status=CheckStatus.SIGNED_OFF)
        .values("provider_id").annotate(until=Max("valid_until")).order_by().values_list("provider_id", "until")
    )


def suitability_signoff_current(*, school: Organisation, provider: Organisation, on: dt.date) -> bool:
    """Has `school` a signed-off suitability check of `provider` that is current on `on`?

    A sign-off is current from the day it is signed until `valid_until` inclusive: the day before
    the same date APC_SUITABILITY_VALID_MONTHS (default 12) months later. A new check in progress
    does not end the current sign-off; it replaces it once signed off. Call inside the school's
    scope (or its trust's, or scopes_disabled for a sweep): other organisations cannot see a
    school's checks, so there the answer is always False.
    """
    return SuitabilityCheck.objects.filter(
        school=school, provider=provider, status=CheckStatus.SIGNED_OFF,
        signed_off_at__isnull=False, valid_until__gte=on,
    ).exists()


def suitability_check_latest(*, school: Organisation, provider: Organisation):
    """The check in progress if there is one, else the latest signed off (or None)."""
    checks = list(SuitabilityCheck.objects.filter(school=school, provider=provider)
                  .select_related("signed_off_by").order_by("-started_at")[:5])
    draft = next((c for c in checks if c.status == CheckStatus.DRAFT), None)
    signed = next((c for c in checks if c.status == CheckStatus.SIGNED_OFF), None)
    return draft, signed


def provider_is_registered(*, provider: Organisation) -> bool:
    """Is the provider a registered independent school (per its own profile)? Used by placements."""
    return ProviderProfile.objects.filter(provider=provider, registration_status=RegistrationStatus.REGISTERED).exists()
