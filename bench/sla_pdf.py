"""Signed SLA PDF: the app's rendering service against WeasyPrint alone on the same HTML.

Figures: `sla_pdf_10page_s` (median of 5 renders, interleaved with the bare ones, of a 10-page signed SLA through
slas.services.sla_pdf_bytes: queries, template, WeasyPrint) and `weasyprint_bare_10page_s`
(median of 5 WeasyPrint renders of the same HTML). Targets: under 2 s, and at most 1.2x bare.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Iterator

from bench.runner import Figure

RUNS = 5
TARGET_PAGES = 10


def _signed_sla(extra_clauses: int):
    from accounts.factories import UserFactory
    from apcommission import clock
    from slas import services
    from slas.factories import signed_sla
    from slas.models import SLAClause
    from tenancy.factories import MembershipFactory, OrganisationFactory
    from tenancy.roles import OrganisationKind, Role
    from tenancy.scoping import scopes_disabled

    with scopes_disabled():
        la = OrganisationFactory(kind=OrganisationKind.LOCAL_AUTHORITY, slug="bench-sla-la")
        school = OrganisationFactory(kind=OrganisationKind.SCHOOL, slug="bench-sla-school", local_authority=la,
                                     name="Bench Community School")
        provider = OrganisationFactory(kind=OrganisationKind.PROVIDER, slug="bench-sla-provider",
                                       local_authority=la, name="Bench Skills Centre")
        head = MembershipFactory(user=UserFactory(email="head@bench-sla.example", full_name="Alex Head"),
                                 organisation=school, role=Role.HEADTEACHER, job_title="Headteacher")
        manager = MembershipFactory(user=UserFactory(email="mgr@bench-sla.example", full_name="Sam Manager"),
                                    organisation=provider, role=Role.PROVIDER_MANAGER, job_title="Manager")
    sla = signed_sla(school_member=head, provider_member=manager, now=clock.now())
    if extra_clauses:
        # Long local clauses, added straight to the rows: the bench measures rendering, not signing.
        with scopes_disabled():
            start = sla.clauses.count()
            SLAClause.objects.bulk_create(
                SLAClause(sla=sla, section="Local arrangements", position=start + i, heading=f"Local arrangement {i}",
                          body=("The provider and the school agree the arrangements in this clause for the "
                                "programme, including the responsibilities of each party, how they are reviewed "
                                "and who is told when they change. ") * 4)
                for i in range(1, extra_clauses + 1)
            )
    return services, sla


def _pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _interleaved_medians(*fns) -> list[float]:
    """Median seconds of each function over RUNS rounds, alternating them so that warm-up and
    machine noise fall on both alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(RUNS):
        for i, fn in enumerate(fns):
            started = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - started)
    return [statistics.median(t) for t in times]


def run() -> Iterator[Figure]:
    from django.conf import settings

    from apcommission import pdf
    from tenancy.scoping import scopes_disabled

    services, sla = _signed_sla(extra_clauses=16)
    with scopes_disabled():
        sla = type(sla).objects.select_related("school", "provider").get(pk=sla.pk)
        data = services.sla_pdf_bytes(sla)  # warm up (fonts, imports)
        pages = _pages(data)
        context = services.sla_pdf_context(sla, verify_url=f"{settings.APC_BASE_URL}/verify/")
        html = pdf.render_html("print/sla.html", context)
        pdf.html_to_pdf(html)  # warm up the bare path too
        app_s, bare_s = _interleaved_medians(
            lambda: services.sla_pdf_bytes(type(sla).objects.select_related("school", "provider").get(pk=sla.pk)),
            lambda: pdf.html_to_pdf(html),
        )
    yield Figure("sla_pdf_pages", pages, "pages")
    yield Figure(f"sla_pdf_{TARGET_PAGES}page_s", round(app_s, 3), "s")
    yield Figure(f"weasyprint_bare_{TARGET_PAGES}page_s", round(bare_s, 3), "s")
    yield Figure("sla_pdf_overhead_ratio", round(app_s / bare_s, 3), "x")
