"""Providers' dashboard panels: the provider's own pack, the LA's directory, a school's checks.

Each panel costs one or two queries whatever the number of providers or documents.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from apcommission.dashboards import Attention, Panel, PanelResult, Viewer, figure, register
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from . import conf, rules
from .models import (
    REQUIRED_DOCUMENT_KINDS,
    CheckStatus,
    ListingStatus,
    PolicyDocument,
    ProviderListing,
    StaffVetting,
    SuitabilityCheck,
)

ATTENTION_LIMIT = 10


def _warning_until(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=conf.get("APC_EXPIRY_WARNING_DAYS"))


def _documents_due(today: dt.date):
    """Current documents (of the providers this organisation sees) expired or expiring soon."""
    return PolicyDocument.objects.filter(is_current=True, review_on__lte=_warning_until(today))


def _expiry_hint(review_on: dt.date, today: dt.date) -> tuple[str, bool]:
    if rules.expiry_status(review_on, on=today) == rules.EXPIRED:
        return f"Expired on {review_on:%-d %B %Y}", True
    return f"Expires on {review_on:%-d %B %Y}", False


@register
class ProviderPackPanel(Panel):
    """The provider's own due-diligence pack: documents to replace; who lists it."""

    key = "provider_pack"
    order = 40
    kinds = frozenset({K.PROVIDER})
    capabilities = frozenset({C.MANAGE_PROVIDER_PROFILE})

    def build(self, viewer: Viewer) -> PanelResult | None:
        pack = viewer.link("providers:pack")
        attention = []
        # The pack's current documents: at most one per kind, so a bounded list.
        current = list(PolicyDocument.objects.filter(is_current=True).only("kind", "review_on").order_by("review_on", "pk"))
        until = _warning_until(viewer.today)
        for doc in [d for d in current if d.review_on <= until][:ATTENTION_LIMIT]:
            hint, overdue = _expiry_hint(doc.review_on, viewer.today)
            attention.append(Attention(f"Upload a new {doc.get_kind_display()}", pack, hint, overdue))
        missing = len(set(REQUIRED_DOCUMENT_KINDS) - {d.kind for d in current})
        if missing:
            attention.append(Attention(f"Upload the {missing} document{'s' if missing != 1 else ''} missing from your pack",
                                       pack, "Schools and local authorities see these as missing", True))
        attention += self._staff_checks(viewer)
        listings = list(ProviderListing.objects.select_related("local_authority").order_by("local_authority__name"))
        return PanelResult(title="Your due-diligence pack", attention=attention,
                           template="dashboards/provider_listings.html", context={"listed_by": listings})

    @staticmethod
    def _staff_checks(viewer: Viewer) -> list[Attention]:
        """Current staff whose DBS check or safeguarding training is due (or overdue): one query."""
        today, until = viewer.today, _warning_until(viewer.today)
        due = StaffVetting.objects.filter(is_active=True, staff__left_on__isnull=True).aggregate(
            dbs=Count("pk", filter=Q(dbs_due_on__lte=until)), dbs_over=Count("pk", filter=Q(dbs_due_on__lte=today)),
            training=Count("pk", filter=Q(training_due_on__lte=until)),
            training_over=Count("pk", filter=Q(training_due_on__lte=today)))
        url = viewer.link("providers:staff_list")
        items = []
        for key, what in (("dbs", "DBS check"), ("training", "safeguarding training")):
            if due[key] and url:
                items.append(Attention(
                    f"Renew the {what} of {due[key]} member{'s' if due[key] != 1 else ''} of staff", url,
                    f"Due within {conf.get('APC_EXPIRY_WARNING_DAYS')} days or overdue", bool(due[f"{key}_over"])))
        return items


@register
class DirectoryPanel(Panel):
    """The LA's directory (and a school's view of its LA's): approvals, suspensions, expired documents."""

    key = "directory"
    order = 50
    kinds = frozenset({K.LOCAL_AUTHORITY, K.SCHOOL})
    capabilities = frozenset({C.CHECK_PROVIDERS, C.MANAGE_DIRECTORY})

    def build(self, viewer: Viewer) -> PanelResult | None:
        counts = ProviderListing.objects.aggregate(
            total=Count("pk"), **{s: Count("pk", filter=Q(status=s)) for s in ListingStatus.values})
        figures = figure(viewer, "Providers in the directory", counts["total"], "providers:directory")
        attention = []
        if viewer.kind == K.LOCAL_AUTHORITY:
            figures += figure(viewer, "Providers listed, not yet approved", counts[ListingStatus.LISTED],
                              "providers:directory", query={"status": ListingStatus.LISTED})
            figures += figure(viewer, "Providers suspended", counts[ListingStatus.SUSPENDED],
                              "providers:directory", query={"status": ListingStatus.SUSPENDED})
            attention = self._documents(viewer)
            listed = counts[ListingStatus.LISTED]
            url = viewer.link("providers:directory", query={"status": ListingStatus.LISTED})
            if listed and url and viewer.can(C.MANAGE_DIRECTORY):
                attention.append(Attention(
                    f"Review {listed} provider{'s' if listed != 1 else ''} listed but not yet approved", url))
        else:
            attention = self._suitability(viewer)
        return PanelResult(title="Provider directory", attention=attention, figures=figures)

    @staticmethod
    def _documents(viewer: Viewer) -> list[Attention]:
        """Providers in the directory with documents expired or expiring: one row per provider."""
        today = viewer.today
        rows = (_documents_due(today).values("provider_id", "provider__name")
                .annotate(expired=Count("pk", filter=Q(review_on__lte=today)), due=Count("pk"))
                .order_by("-expired", "provider__name")[:ATTENTION_LIMIT])
        items = []
        for row in rows:
            url = viewer.link("providers:directory_provider", provider_pk=row["provider_id"])
            expiring = row["due"] - row["expired"]
            parts = ([f"{row['expired']} expired"] if row["expired"] else []) + (
                [f"{expiring} expiring within {conf.get('APC_EXPIRY_WARNING_DAYS')} days"] if expiring else [])
            if url:
                items.append(Attention(f"Check {row['provider__name']}'s documents", url,
                                       "Documents: " + ", ".join(parts), bool(row["expired"])))
        return items

    @staticmethod
    def _suitability(viewer: Viewer) -> list[Attention]:
        """The school's suitability checks started and not yet signed off."""
        if viewer.link("providers:suitability_check", provider_pk=0) is None:
            return []
        checks = (SuitabilityCheck.objects.filter(school=viewer.organisation, status=CheckStatus.DRAFT)
                  .select_related("provider").order_by("started_at", "pk")[:ATTENTION_LIMIT])
        return [Attention(f"Finish and sign off the suitability check of {c.provider.name}",
                          viewer.link("providers:suitability_check", provider_pk=c.provider_id),
                          f"Started {c.started_at:%-d %B %Y}") for c in checks]
