"""Reads for QA frameworks and improvement plans, through the scoping layer (every query runs in
the caller's scope: an LA or school reads the shipped frameworks and its own; a provider reads the
plans of its completed visits). Views read only through these functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q

from .models import (
    RAG,
    Framework,
    FrameworkVersion,
    ImprovementAction,
    QAVisit,
    Standard,
    Theme,
    VersionState,
)

PAGE_SIZE = 50


# --- Frameworks -----------------------------------------------------------------------------------

@dataclass
class FrameworkRow:
    framework: Framework
    shipped: bool
    published: FrameworkVersion | None  # the latest published version
    draft: FrameworkVersion | None


def framework_rows() -> list[FrameworkRow]:
    """The frameworks the organisation reads (shipped first, then its own), each with its latest
    published version and its open draft: two queries."""
    frameworks = list(Framework.objects.prefetch_related(
        Prefetch("versions", queryset=FrameworkVersion.objects.order_by("-number"), to_attr="ordered_versions")))
    rows = []
    for framework in sorted(frameworks, key=lambda f: (f.owner_id is not None, f.title.lower(), f.pk)):
        versions = framework.ordered_versions
        rows.append(FrameworkRow(
            framework=framework, shipped=framework.owner_id is None,
            published=next((v for v in versions if v.state == VersionState.PUBLISHED), None),
            draft=next((v for v in versions if v.state == VersionState.DRAFT), None)))
    return rows


def version_get(pk) -> FrameworkVersion:
    """A version the organisation reads (DoesNotExist otherwise), with its framework."""
    return FrameworkVersion.objects.select_related("framework", "published_by").get(pk=pk)


def version_themes(version: FrameworkVersion) -> list[Theme]:
    """The version's themes in order, each with `.ordered_standards`: two queries."""
    return list(Theme.objects.filter(version=version).order_by("number").prefetch_related(
        Prefetch("standards", queryset=Standard.objects.order_by("position"), to_attr="ordered_standards")))


def theme_get(version: FrameworkVersion, number: int) -> Theme:
    return Theme.objects.get(version=version, number=number)


def standard_get(version: FrameworkVersion, code: str) -> Standard:
    return Standard.objects.select_related("theme").get(theme__version=version, code=code)


def framework_versions(framework_id: int) -> list[FrameworkVersion]:
    """Every version of a framework, newest first, with how many QA visits used each."""
    own_visits = Q(visits__owner_id=F("framework__owner_id"))  # never another organisation's visits of a shipped one
    return list(FrameworkVersion.objects.filter(framework_id=framework_id)
                .annotate(visit_count=Count("visits", filter=own_visits)).order_by("-number"))


# --- Improvement plans ----------------------------------------------------------------------------

def visit_get(pk) -> QAVisit:
    return QAVisit.objects.select_related("provider", "owner", "version", "version__framework").get(pk=pk)


def visit_actions(visit: QAVisit) -> list[ImprovementAction]:
    return list(ImprovementAction.objects.filter(visit=visit).order_by("due_on", "pk"))


def action_get(pk) -> ImprovementAction:
    return ImprovementAction.objects.select_related("visit", "visit__provider", "provider", "owner").get(pk=pk)


OPEN = "open"
OVERDUE = "overdue"


def actions_list(*, today: dt.date, rag: str = "", queue: str = OPEN):
    """The plan rows the organisation reads: open ones (or every one: queue ""), optionally of one
    RAG rating, or the overdue ones (open and past their date), soonest first."""
    rows = ImprovementAction.objects.select_related("visit", "provider", "owner")
    if queue in (OPEN, OVERDUE):
        rows = rows.filter(done_on__isnull=True)
    if queue == OVERDUE:
        rows = rows.filter(due_on__lt=today)
    if rag in RAG.values:
        rows = rows.filter(rag=rag)
    return rows.order_by("due_on", "pk")


@dataclass
class RagCounts:
    red: int = 0
    amber: int = 0
    green: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.red + self.amber + self.green


def open_actions_by_rag(*, today: dt.date) -> RagCounts:
    """Open plan rows by RAG rating, and how many are overdue: one query."""
    counts = ImprovementAction.objects.filter(done_on__isnull=True).aggregate(
        red=Count("pk", filter=Q(rag=RAG.RED)), amber=Count("pk", filter=Q(rag=RAG.AMBER)),
        green=Count("pk", filter=Q(rag=RAG.GREEN)), overdue=Count("pk", filter=Q(due_on__lt=today)))
    return RagCounts(**counts)
