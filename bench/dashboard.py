"""School dashboard: SQL queries and time for one GET by the school's signed-in AP lead.

The helpers (`make_school`, `add_pupils`, `count_queries`) are also used by
tests/test_dashboard_queries.py.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.factories import UserFactory
from bench.runner import Figure
from placements.factories import PupilFactory, make_upn
from placements.models import Pupil
from tenancy.factories import MembershipFactory, OrganisationFactory
from tenancy.roles import OrganisationKind, Role
from tenancy.scoping import scopes_disabled

SIZES = (10, 1000)
TIMED_REQUESTS = 20
UPN_OFFSET = 500_000  # away from PupilFactory's sequence


def make_school(slug: str = "bench-school"):
    """A school in an LA, and its AP lead (with a TOTP authenticator, as production requires)."""
    from allauth.mfa.models import Authenticator

    la = OrganisationFactory(kind=OrganisationKind.LOCAL_AUTHORITY, slug=f"{slug}-la", name="Bench LA")
    school = OrganisationFactory(kind=OrganisationKind.SCHOOL, slug=slug, name="Bench School", local_authority=la)
    user = UserFactory(email=f"ap.lead@{slug}.example")
    MembershipFactory(user=user, organisation=school, role=Role.AP_LEAD)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "bench-not-a-secret"})
    return school, user


def add_pupils(school, count: int) -> None:
    """Add pupils to the school (bulk_create, one query per 500) spread over every year group."""
    with scopes_disabled():
        start = Pupil.objects.filter(school=school).count()
        pupils = PupilFactory.build_batch(count, school=school)
        for i, pupil in enumerate(pupils, start=start):
            pupil.upn = make_upn(UPN_OFFSET + i)
            pupil.year_group = i % 15
        Pupil.objects.bulk_create(pupils, batch_size=500)


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def get_ok(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"GET {url} → {response.status_code}, expected 200")
    return response


def count_queries(client: Client, url: str) -> int:
    get_ok(client, url)  # warm up: first-request caches (content types, templates)
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, url)
    return len(queries)


def median_ms(client: Client, url: str, requests: int = TIMED_REQUESTS) -> float:
    get_ok(client, url)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        get_ok(client, url)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def run() -> Iterator[Figure]:
    school, user = make_school()
    client = signed_in_client(user)
    url = reverse("dashboard", kwargs={"org": school.slug})
    have = 0
    for size in SIZES:
        add_pupils(school, size - have)
        have = size
        yield Figure(f"dashboard_queries_{size}", count_queries(client, url), "queries")
    yield Figure(f"dashboard_ms_median_{SIZES[-1]}", median_ms(client, url), "ms")
