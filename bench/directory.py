"""Provider directory: SQL queries and time for one search by a school's signed-in AP lead.

Figures: ``directory_queries_10`` and ``directory_queries_5000`` (the two should be equal;
tests/providers/test_directory.py asserts it), ``directory_ms_median_5000`` (median of 20 searches
through Django's test client). The search uses free text and three filters, so every part of the
directory query runs. `add_providers` is also used by the test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.urls import reverse

from bench.runner import Figure
from tenancy.roles import OrganisationKind

SIZES = (10, 5000)
SEARCH = "?q=provider&subject=motor_vehicle&send=on&days=tue"
DOC_KINDS = ("safeguarding", "health_safety", "insurance")


def add_providers(la, count: int, *, start: int = 0) -> None:
    """Add `count` providers listed by `la`, each with a profile, two courses, three current
    documents and two staff on the vetting register (bulk_create, a few queries per 1,000)."""
    from accounts.models import User
    from providers.models import (
        Offer,
        PolicyDocument,
        ProviderListing,
        ProviderProfile,
        StaffMember,
        StaffVetting,
        SubjectArea,
    )
    from tenancy.models import Organisation
    from tenancy.scoping import scopes_disabled

    now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    with scopes_disabled():
        uploader = User.objects.filter(email="bench-uploader@example.org").first() or User.objects.create_user(
            email="bench-uploader@example.org", password=None, full_name="Bench Uploader")
        providers = Organisation.objects.bulk_create([
            Organisation(kind=OrganisationKind.PROVIDER, name=f"Bench provider {i:05d}", slug=f"bench-provider-{i}",
                         local_authority=la, postcode="NS1 4AB")
            for i in range(start, start + count)
        ], batch_size=1000)
        ProviderListing.objects.bulk_create([
            ProviderListing(local_authority=la, provider=p, status="approved" if i % 3 else "listed")
            for i, p in enumerate(providers)
        ], batch_size=1000)
        ProviderProfile.objects.bulk_create([
            ProviderProfile(provider=p, legal_name=f"{p.name} Ltd", postcode="NS1 4AB", send_suitable=bool(i % 2),
                            overview="Vocational provision", capacity=10, age_from=11, age_to=16)
            for i, p in enumerate(providers)
        ], batch_size=1000)
        subjects = list(SubjectArea.values)
        Offer.objects.bulk_create([
            Offer(provider=p, title=f"Course {j}", subject=subjects[(i + j) % len(subjects)], expected_outcome="Level 1",
                  part_time_days=2, on_tue=True, on_thu=bool(j), cost_per_day=Decimal("80"))
            for i, p in enumerate(providers) for j in range(2)
        ], batch_size=2000)
        PolicyDocument.objects.bulk_create([
            PolicyDocument(provider=p, kind=kind, file=f"provider-documents/bench-{p.pk}-{kind}.pdf",
                           original_name="policy.pdf", content_type="application/pdf", size=1000, sha256="0" * 64,
                           issued_on=dt.date(2026, 1, 1), review_on=dt.date(2027, 1, 1) + dt.timedelta(days=i % 400),
                           insurer="Bench Mutual" if kind == "insurance" else "",
                           cover_amount=Decimal("5000000") if kind == "insurance" else None,
                           covers_under_16s=True if kind == "insurance" else None,
                           uploaded_by=uploader, uploaded_at=now)
            for i, p in enumerate(providers) for kind in DOC_KINDS
        ], batch_size=3000)
        staff = StaffMember.objects.bulk_create([
            StaffMember(provider=p, full_name=f"Staff {j}", job_title="Tutor", created_at=now, updated_at=now)
            for p in providers for j in range(2)
        ], batch_size=2000)
        StaffVetting.objects.bulk_create([
            StaffVetting(staff=s, provider_id=s.provider_id, dbs_enhanced=True, dbs_issued_on=dt.date(2025, 1, 1),
                         dbs_due_on=dt.date(2028, 1, 1), barred_list_checked_on=dt.date(2025, 1, 1),
                         right_to_work_checked_on=dt.date(2025, 1, 1), training_level=2,
                         trained_on=dt.date(2026, 3, 1), training_due_on=dt.date(2027, 3, 1))
            for s in staff
        ], batch_size=2000)


def run() -> Iterator[Figure]:
    from bench.dashboard import count_queries, make_school, median_ms, signed_in_client

    school, user = make_school("bench-directory-school")
    client = signed_in_client(user)
    url = reverse("providers:directory", kwargs={"org": school.slug}) + SEARCH
    have = 0
    for size in SIZES:
        add_providers(school.local_authority, size - have, start=have)
        have = size
        yield Figure(f"directory_queries_{size}", count_queries(client, url), "queries")
    yield Figure(f"directory_ms_median_{SIZES[-1]}", median_ms(client, url), "ms")
