"""Writes (and the reads they need) for QA visits: schedule → start → save (any part, any number of
times) → complete with an outcome (issue 13 items 2 and 3). Signing is qa_framework's signing
service's; after completion nothing here changes a visit.

Every function runs in the visiting organisation's scope (an LA's pages), is one transaction (a
refused save writes nothing) and appends to the audit log as the other services do.

* `qa_visit_schedule` — a visit on the latest published version of the chosen framework (the visit
  keeps that version). Who may run one, of whom, on what (`OWNER_PURPOSE`):
  - an LA, of a provider it lists in its directory, on a provider QA framework (`provider_qa`, seed
    001 §18): signed by both sides, its outcome becomes the LA's approval decision (the approved
    list: qa_framework.approval);
  - a school (its headteacher and AP lead: `run_qa_visits`), its termly QA of a provider it has an
    agreed or running placement with or its LA lists, on a termly QA framework
    (`school_termly_qa`, seed 001 §12: the shipped one or the school's own copy). The same
    services and pages; its outcome is the school's own record and decides nothing about the LA's
    approved list (no approval decision is ever made from it: approval is the LA's). The provider
    reads the school's completed visit of itself as it reads an LA's.
* `qa_visit_start` — scheduled → in progress: a blank judgement row per standard and a comment row
  per theme, the first page and evidence suggestions pre-filled from what the service knows
  (qa_framework.prefill).
* `qa_visit_save` — the autosave: any subset of the first page, judgements (level and/or evidence)
  and theme comments. Only while in progress.
* `qa_visit_complete` — every standard judged (else a refusal naming each one missing) → completed,
  with the suggested outcome (qa_framework.rules) stored and the outcome chosen (another outcome
  than the suggestion needs a reason).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from apcommission.errors import Refusal
from tenancy.models import AuditAction
from tenancy.roles import OrganisationKind
from tenancy.services import audit_record

from . import rules
from .models import (
    Framework,
    FrameworkPurpose,
    FrameworkVersion,
    Judgement,
    Outcome,
    QAVisit,
    Standard,
    Theme,
    ThemeComment,
    VersionState,
    VisitState,
)
from .prefill import Prefill, provider_prefill

OVERVIEW_FIELDS = Prefill.FIELDS
# Which organisations run QA visits, and on which purpose of framework.
OWNER_PURPOSE = {OrganisationKind.LOCAL_AUTHORITY: FrameworkPurpose.PROVIDER_QA,
                 OrganisationKind.SCHOOL: FrameworkPurpose.SCHOOL_TERMLY_QA}
FIRST_PAGE_MAX = {"dsl": 200}
PROVIDER_HELP = {
    OrganisationKind.LOCAL_AUTHORITY: "Choose a provider your local authority lists in its directory",
    OrganisationKind.SCHOOL: "Choose a provider your school has a placement with or your local authority lists",
}


class VisitLocked(Refusal):
    """The visit is not in progress: completed and signed visits never change."""


def _audit(visit: QAVisit, *, by, organisation, action: str, detail: str) -> None:
    audit_record(organisation=organisation, user=by, action=action, obj=visit, detail=detail)


# --- Reads the services and pages share ---------------------------------------------------

def latest_published(framework: Framework) -> FrameworkVersion | None:
    return (FrameworkVersion.objects.filter(framework=framework, state=VersionState.PUBLISHED)
            .order_by("-number").first())


def visit_themes(visit: QAVisit) -> list[Theme]:
    return list(Theme.objects.filter(version_id=visit.version_id).order_by("number"))


def visit_standards(visit: QAVisit) -> list[Standard]:
    return list(Standard.objects.filter(theme__version_id=visit.version_id).select_related("theme")
                .order_by("theme__number", "position"))


def _facts(visit: QAVisit) -> list[rules.JudgementFact]:
    rows = (Judgement.objects.filter(visit=visit).order_by("standard__theme__number", "standard__position")
            .values_list("standard__code", "level", "standard__theme__title"))
    return [rules.JudgementFact(code=code, level=level, safeguarding=rules.is_safeguarding_theme(title))
            for code, level, title in rows]


def missing_judgements(visit: QAVisit) -> list[str]:
    """Codes of the standards not yet judged, in order."""
    return [fact.code for fact in _facts(visit) if not fact.level]


def outcome_suggestion(visit: QAVisit) -> str:
    """The suggested outcome of a visit whose every standard is judged ("" while any is not)."""
    facts = _facts(visit)
    if not facts or any(not f.level for f in facts):
        return ""
    return rules.suggest_outcome(facts, visit.version.scale)


# --- Schedule and start ------------------------------------------------------------------

def may_visit(owner, provider) -> bool:
    """May `owner` run a QA visit of `provider` (`visitable_providers`)?"""
    return provider.kind == OrganisationKind.PROVIDER and visitable_providers(owner).filter(pk=provider.pk).exists()


def qa_visit_schedule(*, owner, provider, framework: Framework, scheduled_for: dt.date, owner_representative,
                      provider_representative: str = "", by, now: dt.datetime) -> QAVisit:
    """Schedule a visit by `owner` (an LA, or a school for its termly QA: the module docstring) to
    a provider it may visit, on the framework's latest published version."""
    purpose = OWNER_PURPOSE.get(owner.kind)
    if purpose is None:
        raise Refusal("QA visits to providers are run by a local authority or, for their termly QA, by schools")
    if not may_visit(owner, provider):
        raise ValidationError({"provider": PROVIDER_HELP[owner.kind]})
    if framework.purpose != purpose or framework.owner_id not in (None, owner.pk):
        raise ValidationError({"framework": f"Choose a framework for {FrameworkPurpose(purpose).label.lower()}"})
    version = latest_published(framework)
    if version is None:
        raise ValidationError({"framework": "Choose a framework with a published version"})
    with transaction.atomic():
        visit = QAVisit.objects.create(
            owner=owner, provider=provider, version=version, scheduled_for=scheduled_for,
            owner_representative=owner_representative, provider_representative=provider_representative,
            created_by=by, created_at=now, updated_at=now)
        _audit(visit, by=by, organisation=owner, action=AuditAction.CREATE,
               detail=f"QA visit scheduled ({version})")
    return visit


def qa_visit_start(*, visit: QAVisit, by, organisation, now: dt.datetime) -> QAVisit:
    """Scheduled → in progress: judgement and comment rows for the version, pre-filled."""
    with transaction.atomic():
        visit = QAVisit.objects.select_for_update().get(pk=visit.pk)
        if visit.state != VisitState.SCHEDULED:
            raise Refusal("This visit has already started")
        prefill = provider_prefill(owner=visit.owner, provider=visit.provider, now=now)
        for name in OVERVIEW_FIELDS:
            if not getattr(visit, name):
                setattr(visit, name, getattr(prefill, name))
        Judgement.objects.bulk_create(
            Judgement(visit=visit, standard=standard, evidence=prefill.evidence.get(standard.code, ""))
            for standard in visit_standards(visit))
        ThemeComment.objects.bulk_create(ThemeComment(visit=visit, theme=theme) for theme in visit_themes(visit))
        visit.state, visit.started_at, visit.updated_at = VisitState.IN_PROGRESS, now, now
        visit.save()
        _audit(visit, by=by, organisation=organisation, action=AuditAction.CHANGE, detail="QA visit started")
    return visit


# --- Save (autosave) ---------------------------------------------------------------------

def _check_values(visit: QAVisit, overview: dict, judgements: dict, comments: dict,
                  standards: dict[int, Standard], themes: set[int]) -> None:
    errors: dict[str, list[str]] = {}
    scale = set(rules.scale_codes(visit.version.scale))
    unknown = [name for name in overview if name not in OVERVIEW_FIELDS]
    if unknown:
        raise ValueError(f"Not a field of the first page: {', '.join(unknown)}")
    for name, limit in FIRST_PAGE_MAX.items():
        if len(overview.get(name) or "") > limit:
            errors.setdefault(name, []).append(f"Enter no more than {limit} characters")
    for standard_id, value in judgements.items():
        standard = standards.get(int(standard_id))
        if standard is None:
            raise Refusal("A judgement is for a standard of another framework version")
        level = value.get("level")
        if level not in (None, "") and level not in scale:
            errors.setdefault(f"level_{standard.pk}", []).append(f"Choose a judgement for standard {standard.code}")
    if any(int(theme_id) not in themes for theme_id in comments):
        raise Refusal("A comment is for a theme of another framework version")
    if errors:
        raise ValidationError(errors)


def qa_visit_save(*, visit: QAVisit, by, organisation, now: dt.datetime, overview: dict | None = None,
                  judgements: dict | None = None, comments: dict | None = None) -> QAVisit:
    """Save any part of an in-progress visit: `overview` {field: text} of the first page,
    `judgements` {standard id: {"level": code or "", "evidence": text}} (either key may be left out),
    `comments` {theme id: text}. All or nothing."""
    overview, judgements, comments = overview or {}, judgements or {}, comments or {}
    with transaction.atomic():
        visit = QAVisit.objects.select_for_update().select_related("version").get(pk=visit.pk)
        if visit.state != VisitState.IN_PROGRESS:
            raise VisitLocked("Only a visit in progress can be changed: start it first"
                              if visit.state == VisitState.SCHEDULED
                              else "This visit is completed and cannot be changed")
        standards = {s.pk: s for s in visit_standards(visit)}
        _check_values(visit, overview, judgements, comments, standards, {t.pk for t in visit_themes(visit)})
        for name, value in overview.items():
            setattr(visit, name, value or "")
        rows = {row.standard_id: row for row in Judgement.objects.filter(visit=visit,
                                                                         standard_id__in=[int(k) for k in judgements])}
        changed = []
        for standard_id, value in judgements.items():
            row = rows.get(int(standard_id)) or Judgement(visit=visit, standard_id=int(standard_id))
            if "level" in value:
                row.level = value["level"] or ""
            if "evidence" in value:
                row.evidence = value["evidence"] or ""
            if row.pk is None:
                row.save()
            else:
                changed.append(row)
        Judgement.objects.bulk_update(changed, ["level", "evidence"])
        for theme_id, text in comments.items():
            ThemeComment.objects.update_or_create(visit=visit, theme_id=int(theme_id),
                                                  defaults={"comment": text or ""})
        visit.updated_at = now
        visit.save()
        _audit(visit, by=by, organisation=organisation, action=AuditAction.CHANGE, detail="QA visit saved")
    return visit


# --- Complete ----------------------------------------------------------------------------

def qa_visit_complete(*, visit: QAVisit, outcome: str, outcome_reason: str = "", by, organisation,
                      now: dt.datetime) -> QAVisit:
    """In progress → completed: every standard judged; the suggestion stored; the outcome chosen
    (another than the suggestion only with a reason). The provider reads it from now on."""
    with transaction.atomic():
        visit = QAVisit.objects.select_for_update().select_related("version").get(pk=visit.pk)
        if visit.state != VisitState.IN_PROGRESS:
            raise VisitLocked("Only a visit in progress can be completed")
        missing = missing_judgements(visit)
        if missing:
            refusal = Refusal(f"Judge every standard before you complete the visit: {', '.join(missing)} "
                              f"{'is' if len(missing) == 1 else 'are'} not judged yet")
            refusal.problems = [f"Judge standard {code}" for code in missing]
            raise refusal
        suggested = outcome_suggestion(visit)
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": "Select the outcome of the visit"})
        reason = (outcome_reason or "").strip()
        if rules.outcome_needs_reason(chosen=outcome, suggested=suggested) and not reason:
            raise ValidationError({"outcome_reason": "Enter why the outcome differs from the suggested outcome"})
        visit.suggested_outcome, visit.outcome = suggested, outcome
        visit.outcome_reason = reason if outcome != suggested else ""
        visit.state, visit.completed_at, visit.updated_at = VisitState.COMPLETED, now, now
        visit.save()
        _audit(visit, by=by, organisation=organisation, action=AuditAction.CHANGE,
               detail=f"QA visit completed: {visit.get_outcome_display()}"
                      + (" (differs from the suggestion)" if outcome != suggested else ""))
    return visit


# --- Reads for the pages -------------------------------------------------------------------

PAGE_SIZE = 50


def visit_get(pk) -> QAVisit:
    """A visit the organisation in scope sees (DoesNotExist otherwise: the page answers 404)."""
    return QAVisit.objects.select_related("version__framework", "provider", "owner", "owner_representative").get(pk=pk)


def visit_list(*, state: str = "", provider=None, owner=None):
    """The visits the organisation in scope sees, newest first, optionally of one state or provider,
    or only those `owner` runs (a school's own visits, not the LA reports shared with it)."""
    qs = QAVisit.objects.select_related("provider", "owner", "owner_representative", "version__framework")
    if owner is not None:
        qs = qs.filter(owner=owner)
    if state:
        qs = qs.filter(state=state)
    if provider is not None:
        qs = qs.filter(provider=provider)
    return qs.order_by("-scheduled_for", "-pk")


def visitable_providers(owner):
    """Providers `owner` may run a QA visit of, by name (read in its scope, and narrowed to it):
    an LA, those it lists; a school, those it has an agreed or running placement with and those
    its LA lists."""
    from placements.models import Placement
    from placements.selectors import COMMITTED_STATES
    from providers.models import ProviderListing
    from tenancy.models import Organisation

    if owner.kind == OrganisationKind.LOCAL_AUTHORITY:
        visitable = Q(pk__in=ProviderListing.objects.filter(local_authority=owner).values("provider_id"))
    elif owner.kind == OrganisationKind.SCHOOL:
        placed = Placement.objects.filter(school=owner, state__in=COMMITTED_STATES).values("provider_id")
        listed = ProviderListing.objects.filter(local_authority_id=owner.local_authority_id).values("provider_id")
        visitable = Q(pk__in=placed) | (Q(pk__in=listed) if owner.local_authority_id else Q(pk__in=[]))
    else:
        return Organisation.objects.none()
    return Organisation.objects.filter(visitable, kind=OrganisationKind.PROVIDER).order_by("name")


def qa_staff(owner):
    """The LA's (or school's) active members whose role runs QA visits."""
    from django.contrib.auth import get_user_model

    from tenancy.models import Membership
    from tenancy.roles import ROLE_KINDS, Capability, role_has

    roles = [role for role in ROLE_KINDS[owner.kind] if role_has(role, Capability.RUN_QA_VISITS)]
    members = Membership.objects.filter(organisation=owner, is_active=True, role__in=roles).values("user_id")
    return get_user_model().objects.filter(pk__in=members).order_by("full_name", "email")


def visit_frameworks(purpose: str):
    """Frameworks of `purpose` the organisation in scope reads (shipped and its own) with a
    published version: what its visits may use (an LA: provider QA; a school: termly QA)."""
    published = FrameworkVersion.objects.filter(state=VersionState.PUBLISHED).values("framework_id")
    return Framework.objects.filter(purpose=purpose, pk__in=published).order_by("title", "pk")


@dataclass
class ThemeProgress:
    theme: Theme
    standards: int
    judged: int

    @property
    def complete(self) -> bool:
        return self.standards > 0 and self.judged == self.standards

    @property
    def started(self) -> bool:
        return self.judged > 0


def theme_progress(visit: QAVisit) -> list[ThemeProgress]:
    """Each theme of the visit's version with how many of its standards are judged (two queries)."""
    counts = {row["standard__theme_id"]: row for row in Judgement.objects.filter(visit=visit)
              .values("standard__theme_id").annotate(total=Count("pk"), judged=Count("pk", filter=~Q(level="")))
              .order_by()}
    return [ThemeProgress(theme, counts.get(theme.pk, {}).get("total", 0), counts.get(theme.pk, {}).get("judged", 0))
            for theme in visit_themes(visit)]


def overview_complete(visit: QAVisit) -> bool:
    return all(getattr(visit, name).strip() for name in OVERVIEW_FIELDS)


def theme_rows(visit: QAVisit, theme: Theme) -> tuple[list[Judgement], str]:
    """The judgement rows of one theme (with their standards) and its comment."""
    rows = list(Judgement.objects.filter(visit=visit, standard__theme=theme).select_related("standard")
                .order_by("standard__position"))
    comment = ThemeComment.objects.filter(visit=visit, theme=theme).values_list("comment", flat=True).first()
    return rows, comment or ""


@dataclass
class ReportTheme:
    theme: Theme
    rows: list  # (standard, level label, evidence)
    comment: str


def visit_report(visit: QAVisit) -> list[ReportTheme]:
    """The whole visit by theme, for the read-only report (three queries)."""
    labels = {level["code"]: level["label"] for level in visit.version.scale}
    by_theme: dict[int, list] = {}
    for row in (Judgement.objects.filter(visit=visit).select_related("standard")
                .order_by("standard__theme__number", "standard__position")):
        by_theme.setdefault(row.standard.theme_id, []).append((row.standard, labels.get(row.level, "Not judged"),
                                                               row.evidence))
    comments = dict(ThemeComment.objects.filter(visit=visit).values_list("theme_id", "comment"))
    return [ReportTheme(theme, by_theme.get(theme.pk, []), comments.get(theme.pk, "")) for theme in visit_themes(visit)]
