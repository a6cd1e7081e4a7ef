"""Reads of the approved list, in the caller's scope (an LA reads its own decisions, a school its
LA's; a visit's report only where QAVisit.scope_q lets the reader see the visit: a school only when
the LA shared the signed report)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse

from .approval import REMINDER_DAYS_BEFORE
from .models import ApprovalDecision, ApprovalStatus, QAVisit


@dataclass(frozen=True)
class HistoryRow:
    status: str
    status_label: str
    decided_at: dt.datetime
    framework: str  # "Provider QA framework, version 2" or ""
    reason: str
    next_visit_due: dt.date | None
    report_url: str  # "" unless the reader may read the visit's report


def decisions_for(provider_id: int):
    return (ApprovalDecision.objects.filter(provider_id=provider_id)
            .select_related("version__framework", "local_authority").order_by("-decided_at", "-pk"))


def history_for_directory(*, provider, viewer) -> list[HistoryRow]:
    """The decisions the viewer's organisation may read about `provider`, newest first (registered
    with providers.api for the directory page). Two queries."""
    org = viewer.organisation
    decisions = list(decisions_for(provider.pk))
    visible = set(QAVisit.objects.filter(pk__in=[d.visit_id for d in decisions if d.visit_id])
                  .values_list("pk", flat=True))
    rows = []
    for d in decisions:
        report = ""
        if d.visit_id in visible:
            report = reverse("qa_framework:visit_report_pdf", kwargs={"org": org.slug, "pk": d.visit_id})
        framework = f"{d.version.framework.title}, version {d.version.number}" if d.version_id else ""
        rows.append(HistoryRow(status=d.status, status_label=d.get_status_display(), decided_at=d.decided_at,
                               framework=framework, reason=d.reason, next_visit_due=d.next_visit_due,
                               report_url=report))
    return rows


QUEUES = ("due", "overdue")
DUE_WITHIN_DAYS = REMINDER_DAYS_BEFORE  # "due" on the dashboard and the list: the ladder's reminder window


def current_decisions(*, today: dt.date, queue: str = "", status: str = ""):
    """The LA's current decision per provider (the approved list), optionally only those whose
    next visit is due within DUE_WITHIN_DAYS (`due`) or past (`overdue`) with no visit scheduled
    since the decision. One query."""
    latest = (ApprovalDecision.objects.filter(local_authority_id=OuterRef("local_authority_id"),
                                              provider_id=OuterRef("provider_id"))
              .order_by("-decided_at", "-pk").values("pk")[:1])
    rows = (ApprovalDecision.objects.filter(pk=Subquery(latest))
            .select_related("provider", "version__framework").order_by("provider__name"))
    if status:
        rows = rows.filter(status=status)
    if queue in QUEUES:
        scheduled = QAVisit.objects.filter(owner_id=OuterRef("local_authority_id"), provider_id=OuterRef("provider_id"),
                                           created_at__gt=OuterRef("decided_at"))
        rows = rows.filter(~Q(next_visit_due=None), status__in=(ApprovalStatus.APPROVED,
                                                                 ApprovalStatus.APPROVED_WITH_CONDITIONS))
        rows = rows.annotate(has_visit=Subquery(scheduled.values("pk")[:1])).filter(has_visit=None)
        if queue == "overdue":
            rows = rows.filter(next_visit_due__lt=today)
        else:
            rows = rows.filter(next_visit_due__gte=today, next_visit_due__lte=today + dt.timedelta(days=DUE_WITHIN_DAYS))
    return rows


def report_context(visit: QAVisit) -> dict:
    """What the PDF report shows (templates/print/qa_visit_report.html): the visit, its judgements
    by theme with the scale's labels, the theme comments, the plan and the signatures."""
    scale = {row["code"]: row["label"] for row in visit.version.scale}
    themes = {t.pk: {"theme": t, "judgements": [], "comment": ""} for t in visit.version.themes.all()}
    for judgement in visit.judgements.select_related("standard"):
        themes[judgement.standard.theme_id]["judgements"].append(
            {"code": judgement.standard.code, "text": judgement.standard.text,
             "level": scale.get(judgement.level, "Not judged"), "evidence": judgement.evidence})
    for comment in visit.theme_comments.all():
        themes[comment.theme_id]["comment"] = comment.comment
    signatures = {s.party: s for s in visit.signatures.select_related("user")}
    state = "signed by both sides" if visit.signed else "completed, not yet signed by both sides"
    return {
        "visit": visit, "themes": list(themes.values()), "plan": list(visit.improvement_actions.all()),
        "owner_signature": signatures.get("owner"), "provider_signature": signatures.get("provider"),
        "title": f"QA visit report: {visit.provider.name}, {visit.scheduled_for:%-d %B %Y}",
        "footer": (f"QA visit Q-{visit.pk} · {visit.version.framework.title} version {visit.version.number} · {state}"
                   + (f" · content SHA-256 {visit.content_hash}" if visit.content_hash else "")),
    }
