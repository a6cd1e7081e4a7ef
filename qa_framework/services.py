"""Writes for QA frameworks and improvement plans (issue 13 items 1 and 4). Plain functions: each
runs in one transaction (nothing half-saves), refuses with apcommission.errors.Refusal (or a
ValidationError naming the field) and appends to the audit log like the other apps' services.

Frameworks
* `framework_copy`: a published version (shipped, or the organisation's own) becomes a new
  framework owned by the organisation, as draft version 1 with the same scale, themes and standards.
* `framework_edit`: add, reword or remove themes and standards. Themes are addressed by number and
  standards by code, so the same changes apply to any version. On a draft they change it; on a
  published version they go to the framework's next draft (made now, copying the latest published
  content, unless a draft is already open): **a published version never changes**, and a QA visit
  keeps the version it used (QAVisit.version), so a completed visit always shows its own wording.
* `framework_publish`: a draft with at least one theme, each with at least one standard, becomes
  published; QA visits scheduled afterwards use it.
Only the owner changes a framework; a shipped framework (owner null) is copied, never changed.

Improvement plans (ImprovementAction): see the second half of this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError

from apcommission.clock import LONDON
from apcommission.errors import Refusal
from escalation.services import (
    Start,
    escalation_resolve_many,
    escalation_restart_many,
    escalation_start_many,
)
from tenancy.models import AuditAction
from tenancy.services import audit_record

from .ladders import QA_ACTION_OVERDUE, action_anchors
from .models import (
    PROVIDER_SEES,
    Framework,
    FrameworkVersion,
    ImprovementAction,
    QAVisit,
    Standard,
    Theme,
    VersionState,
)

# --- Frameworks -----------------------------------------------------------------------------------


def _clone_content(source: FrameworkVersion, target: FrameworkVersion) -> None:
    """Copy the themes and standards of `source` into `target` (two reads, two bulk inserts)."""
    themes = list(Theme._base_manager.filter(version=source).order_by("number"))
    new_themes = Theme._base_manager.bulk_create(
        [Theme(version=target, number=theme.number, title=theme.title) for theme in themes])
    by_old = {old.pk: new for old, new in zip(themes, new_themes, strict=True)}
    Standard._base_manager.bulk_create([
        Standard(theme=by_old[s.theme_id], code=s.code, text=s.text, position=s.position)
        for s in Standard._base_manager.filter(theme__version=source).order_by("theme__number", "position")])


def _check_owner(version: FrameworkVersion, organisation) -> None:
    if version.framework.owner_id is None:
        raise Refusal("This framework is shipped with the service and cannot be changed: copy it to make your own")
    if version.framework.owner_id != organisation.pk:
        raise Refusal("Only the organisation that owns this framework can change it")


def framework_copy(*, version: FrameworkVersion, title: str, by, organisation, now: dt.datetime) -> FrameworkVersion:
    """A new framework owned by `organisation`, draft version 1, with `version`'s content."""
    if not version.published:
        raise Refusal("Only a published version can be copied")
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Enter a name for your framework"})
    with transaction.atomic():
        framework = Framework.objects.create(owner=organisation, title=title, purpose=version.framework.purpose,
                                             copied_from=version, created_at=now)
        draft = FrameworkVersion.objects.create(framework=framework, number=1, state=VersionState.DRAFT,
                                                scale=list(version.scale), created_at=now)
        _clone_content(version, draft)
        audit_record(organisation=organisation, user=by, action=AuditAction.CREATE, obj=draft,
                     detail=f"Framework copied from {version}")
    return draft


def framework_draft(*, version: FrameworkVersion, by, organisation, now: dt.datetime) -> FrameworkVersion:
    """The draft that changes to `version` go to: itself if a draft; for a published version the
    framework's open draft, or a new one (number + 1) copying the latest published content."""
    _check_owner(version, organisation)
    if not version.published:
        return version
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=version.framework_id)
        draft = FrameworkVersion.objects.filter(framework=framework, state=VersionState.DRAFT).first()
        if draft is not None:
            return draft
        latest = FrameworkVersion.objects.filter(framework=framework, state=VersionState.PUBLISHED).order_by(
            "-number").first() or version
        number = (FrameworkVersion.objects.filter(framework=framework).aggregate(n=Max("number"))["n"] or 0) + 1
        draft = FrameworkVersion.objects.create(framework=framework, number=number, state=VersionState.DRAFT,
                                                scale=list(latest.scale), created_at=now)
        _clone_content(latest, draft)
        audit_record(organisation=organisation, user=by, action=AuditAction.CREATE, obj=draft,
                     detail=f"New draft version {number} from version {latest.number}")
    return draft


# Changes, addressed by theme number and standard code so that they apply to any version.

@dataclass(frozen=True)
class AddTheme:
    title: str


@dataclass(frozen=True)
class RewordTheme:
    number: int
    title: str


@dataclass(frozen=True)
class RemoveTheme:
    number: int


@dataclass(frozen=True)
class AddStandard:
    theme: int
    code: str
    text: str


@dataclass(frozen=True)
class RewordStandard:
    code: str
    text: str
    new_code: str = ""  # "" keeps the code


@dataclass(frozen=True)
class RemoveStandard:
    code: str


Change = AddTheme | RewordTheme | RemoveTheme | AddStandard | RewordStandard | RemoveStandard
CODE_MAX = Standard._meta.get_field("code").max_length


def _theme(draft: FrameworkVersion, number: int) -> Theme:
    try:
        return Theme.objects.get(version=draft, number=number)
    except Theme.DoesNotExist:
        raise Refusal(f"Theme {number} is not in version {draft.number}") from None


def _standard(draft: FrameworkVersion, code: str) -> Standard:
    try:
        return Standard.objects.get(theme__version=draft, code=code)
    except Standard.DoesNotExist:
        raise Refusal(f"Standard {code} is not in version {draft.number}") from None


def _clean_code(draft: FrameworkVersion, code: str, *, keep: Standard | None = None) -> str:
    code = code.strip()
    if not code:
        raise ValidationError({"code": "Enter the standard's code, like 1a"})
    if len(code) > CODE_MAX:
        raise ValidationError({"code": f"The code must be {CODE_MAX} characters or fewer"})
    taken = Standard.objects.filter(theme__version=draft, code=code)
    if keep is not None:
        taken = taken.exclude(pk=keep.pk)
    if taken.exists():
        raise ValidationError({"code": f"Standard {code} is already in this version: choose another code"})
    return code


def _required(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _apply(draft: FrameworkVersion, change: Change) -> str:
    """Apply one change to a draft; returns what the audit log says."""
    if isinstance(change, AddTheme):
        title = _required(change.title, "title", "Enter the theme's title")
        number = (Theme.objects.filter(version=draft).aggregate(n=Max("number"))["n"] or 0) + 1
        Theme.objects.create(version=draft, number=number, title=title)
        return f"Theme {number} added"
    if isinstance(change, RewordTheme):
        theme = _theme(draft, change.number)
        theme.title = _required(change.title, "title", "Enter the theme's title")
        theme.save(update_fields=["title"])
        return f"Theme {theme.number} reworded"
    if isinstance(change, RemoveTheme):
        theme = _theme(draft, change.number)
        Standard.objects.filter(theme=theme).delete()
        theme.delete()
        for later in Theme.objects.filter(version=draft, number__gt=change.number).order_by("number"):
            later.number -= 1
            later.save(update_fields=["number"])
        return f"Theme {change.number} removed"
    if isinstance(change, AddStandard):
        theme = _theme(draft, change.theme)
        code = _clean_code(draft, change.code)
        text = _required(change.text, "text", "Enter the standard's wording")
        position = (Standard.objects.filter(theme=theme).aggregate(n=Max("position"))["n"] or 0) + 1
        Standard.objects.create(theme=theme, code=code, text=text, position=position)
        return f"Standard {code} added"
    if isinstance(change, RewordStandard):
        standard = _standard(draft, change.code)
        if change.new_code.strip() and change.new_code.strip() != standard.code:
            standard.code = _clean_code(draft, change.new_code, keep=standard)
        standard.text = _required(change.text, "text", "Enter the standard's wording")
        standard.save(update_fields=["code", "text"])
        return f"Standard {change.code} reworded"
    if isinstance(change, RemoveStandard):
        standard = _standard(draft, change.code)
        theme_id, position = standard.theme_id, standard.position
        standard.delete()
        for later in Standard.objects.filter(theme_id=theme_id, position__gt=position).order_by("position"):
            later.position -= 1
            later.save(update_fields=["position"])
        return f"Standard {change.code} removed"
    raise TypeError(f"not a framework change: {change!r}")


def framework_edit(*, version: FrameworkVersion, changes: Sequence[Change], by, organisation,
                   now: dt.datetime) -> FrameworkVersion:
    """Apply `changes` to `version` if it is a draft, else to the framework's next draft (see the
    module docstring). All or nothing. Returns the draft that changed."""
    with transaction.atomic():
        draft = framework_draft(version=version, by=by, organisation=organisation, now=now)
        if draft.visits.exists():
            raise Refusal("A QA visit uses this version, so it cannot change")
        try:
            details = [_apply(draft, change) for change in changes]
        except ProtectedError:
            raise Refusal("A QA visit has judged this standard, so it cannot be removed") from None
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=draft,
                     detail="; ".join(details))
    return draft


def framework_publish(*, version: FrameworkVersion, by, organisation, now: dt.datetime) -> FrameworkVersion:
    """Publish a draft: from now on it does not change, and new QA visits use it."""
    _check_owner(version, organisation)
    with transaction.atomic():
        version = _publish(version, by=by, now=now)
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=version,
                     detail=f"Version {version.number} published")
    return version


def shipped_framework_publish(*, version: FrameworkVersion, now: dt.datetime) -> FrameworkVersion:
    """Publish a framework shipped with the service (no owner, so nobody's audit log): migration 0002
    installs the seed frameworks already published; factories building other shipped ones use this."""
    if version.framework.owner_id is not None:
        raise Refusal("Only a framework shipped with the service is published without an owner")
    with transaction.atomic():
        return _publish(version, by=None, now=now)


def _publish(version: FrameworkVersion, *, by, now: dt.datetime) -> FrameworkVersion:
    if version.published:
        raise Refusal(f"Version {version.number} is already published")
    themes = list(Theme.objects.filter(version=version).values_list("number", flat=True))
    if not themes:
        raise Refusal("Add at least one theme before publishing")
    with_standards = set(Standard.objects.filter(theme__version=version).values_list("theme__number", flat=True))
    empty = [str(number) for number in themes if number not in with_standards]
    if empty:
        raise Refusal(f"Add at least one standard to theme {', '.join(empty)} before publishing")
    if not version.scale:
        raise Refusal("The framework needs a judgement scale before publishing")
    updated = FrameworkVersion.objects.filter(pk=version.pk, state=VersionState.DRAFT).update(
        state=VersionState.PUBLISHED, published_at=now, published_by=by)
    if not updated:
        raise Refusal(f"Version {version.number} is already published")
    version.refresh_from_db()
    return version


# --- Improvement plans ----------------------------------------------------------------------------
# A plan row (ImprovementAction) belongs to a QA visit. The visit's owner (the LA officer, or a
# school for its termly QA) adds rows until the visit is signed, changes a row's RAG rating at any
# time (its wording and date only until the visit is signed: the signed plan is what both agreed)
# and closes it. The provider records progress with evidence once the visit is completed (it sees
# the plan from then on). Every open row is on the "qa_action_overdue" ladder (ladders.py).

PLAN_FIELDS = ("area", "actions", "rag", "due_on", "who_by")


def _check_visit_owner(visit: QAVisit, organisation) -> None:
    if visit.owner_id != organisation.pk:
        raise Refusal("Only the organisation that ran the QA visit changes its improvement plan")


def _start_overdue(action: ImprovementAction, *, now: dt.datetime, restart: bool = False) -> None:
    start = Start(target_id=action.pk, organisation_id=action.owner_id, anchors=action_anchors(action.due_on))
    (escalation_restart_many if restart else escalation_start_many)(
        ladder=QA_ACTION_OVERDUE, target_model=ImprovementAction, starts=[start], now=now)


def action_add(*, visit: QAVisit, values: dict, by, organisation, now: dt.datetime) -> ImprovementAction:
    """A new row of the visit's improvement plan, on the overdue ladder."""
    _check_visit_owner(visit, organisation)
    if visit.signed:
        raise Refusal("The visit is signed, so its improvement plan has no new rows: add them at the next visit")
    if values["due_on"] < now.astimezone(LONDON).date():
        raise ValidationError({"due_on": "The date must be today or in the future"})
    with transaction.atomic():
        action = ImprovementAction.objects.create(
            visit=visit, provider_id=visit.provider_id, owner_id=visit.owner_id, created_at=now,
            **{name: values[name] for name in PLAN_FIELDS})
        _start_overdue(action, now=now)
        audit_record(organisation=organisation, user=by, action=AuditAction.CREATE, obj=action,
                     detail="Improvement action added")
    return action


def action_update(*, action: ImprovementAction, values: dict, by, organisation, now: dt.datetime) -> ImprovementAction:
    """The owner changes a row: anything until the visit is signed, then only its RAG rating. A new
    date restarts the overdue ladder from that date."""
    _check_visit_owner(action.visit, organisation)
    if action.done_on is not None:
        raise Refusal("This action is closed")
    changed = [name for name in PLAN_FIELDS if name in values and values[name] != getattr(action, name)]
    if action.visit.signed and set(changed) - {"rag"}:
        raise Refusal("The visit is signed: only the RAG rating of its improvement actions can change")
    if not changed:
        return action
    with transaction.atomic():
        for name in changed:
            setattr(action, name, values[name])
        action.save(update_fields=changed)
        if "due_on" in changed:
            _start_overdue(action, now=now, restart=True)
        labels = ", ".join(str(ImprovementAction._meta.get_field(name).verbose_name) for name in changed)
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=action,
                     detail=f"Improvement action changed: {labels}")
    return action


def action_close(*, action: ImprovementAction, by, organisation, now: dt.datetime) -> ImprovementAction:
    """The owner closes a row (done); its overdue ladder stops."""
    _check_visit_owner(action.visit, organisation)
    if action.done_on is not None:
        return action
    with transaction.atomic():
        action.done_on = now.astimezone(LONDON).date()
        action.save(update_fields=["done_on"])
        escalation_resolve_many(ladder=QA_ACTION_OVERDUE, target_model=ImprovementAction, target_ids=[action.pk],
                                by=by, note="Improvement action closed", now=now)
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=action,
                     detail="Improvement action closed")
    return action


def action_progress(*, action: ImprovementAction, progress: str, evidence: str, by, organisation,
                    now: dt.datetime) -> ImprovementAction:
    """The provider records progress on a row of its plan, with evidence."""
    if action.provider_id != organisation.pk:
        raise Refusal("Only the provider records progress on its improvement plan")
    if action.visit.state not in PROVIDER_SEES:
        raise Refusal("Progress is recorded once the QA visit is completed")
    if action.done_on is not None:
        raise Refusal("This action is closed")
    progress = progress.strip()
    if not progress:
        raise ValidationError({"progress": "Enter the progress made"})
    with transaction.atomic():
        action.progress, action.evidence, action.progress_updated_at = progress, evidence.strip(), now
        action.save(update_fields=["progress", "evidence", "progress_updated_at"])
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=action,
                     detail="Progress recorded on an improvement action")
    return action
