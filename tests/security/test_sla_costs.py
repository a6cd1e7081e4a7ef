"""SLA costings are shown only to roles that read COSTS in tenancy.visibility (view_finance).

Sentinel costs (a rate, an estimated total and a costing note in the funding clause) are put in a
signed SLA; every role of every organisation kind that can open the SLA then reads its pages and
the PDF it may download. Who must see them is derived from the visibility table, and checked
against the roles the issue names.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from slas import selectors, services
from slas.factories import draft_sla
from tenancy.roles import ROLE_KINDS, Capability, Role, role_has
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope
from tenancy.visibility import DataGroup, can_read


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
RATE, TOTAL, NOTE = "987.43", "876.21", "SENTINEL-COST-NOTE"  # under £1,000: shown as written (no thousands comma)
SENTINELS = (RATE, TOTAL, NOTE)
SLUG = {K.SCHOOL: "school-a", K.PROVIDER: "provider-a", K.LOCAL_AUTHORITY: "la-a", K.TRUST: "trust-a"}

OPENERS = sorted((kind, role) for kind, roles in ROLE_KINDS.items() for role in roles
                 if role_has(role, Capability.VIEW_AGREEMENTS))
IDS = [f"{kind}-{role}" for kind, role in OPENERS]


def test_the_table_gives_costs_to_exactly_the_roles_the_issue_names():
    readers = {role for _kind, role in OPENERS if can_read(role, DataGroup.COSTS)}
    assert readers == {Role.HEADTEACHER, Role.AP_LEAD, Role.FINANCE, Role.PROVIDER_MANAGER}
    others = {role for _kind, role in OPENERS} - readers
    assert others == {Role.PROVIDER_DSL, Role.QA_OFFICER, Role.AP_OFFICER, Role.TRUST_EXECUTIVE}


def test_every_role_that_signs_or_sees_finance_reads_costs():
    """The schedule form (signers) shows costs, and the PDF is gated by view_finance: both must
    agree with the visibility table."""
    for role in Role:
        if role_has(role, Capability.SIGN_AGREEMENTS) or role_has(role, Capability.VIEW_FINANCE):
            assert can_read(role, DataGroup.COSTS), role


@pytest.fixture
def costed(world):
    """A signed SLA whose costings are sentinels."""
    lead = world.member(K.SCHOOL, Role.AP_LEAD)
    manager = world.member(K.PROVIDER, Role.PROVIDER_MANAGER)
    sla = draft_sla(school=lead.organisation, provider=manager.organisation, by=lead.user, now=NOW)
    with scope(organisation=lead.organisation):
        sla = services.sla_update_schedule(sla=sla, now=NOW, data={
            "rate": Decimal(RATE), "estimated_total": Decimal(TOTAL), "payment_due_days": 17})
        payment = sla.clauses.get(heading="Payment")
        services.sla_update_clause(sla=sla, clause=payment, heading="Payment", now=NOW,
                                   body=f"The school pays £{RATE} a session. {NOTE}: invoices to the bursar.")
        services.sla_send(sla=sla, by=lead.user, now=NOW)
    for member in (manager, lead):
        with scope(organisation=member.organisation):
            services.sla_sign(sla=sla, membership=member, typed_name=member.user.full_name, position="Lead", now=NOW)
    return services.sla_pdf_ensure(sla_id=sla.pk, now=NOW)


def _text(response) -> str:
    return response.content.decode()


def _pdf_text(response) -> str:
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize(("kind", "role"), OPENERS, ids=IDS)
def test_costs_show_only_to_roles_that_read_costs(costed, world, login, kind, role):
    client = login(world.user(kind, role))
    org = SLUG[kind]
    reads = can_read(role, DataGroup.COSTS)
    pages = {
        "list": client.get(reverse("slas:list", kwargs={"org": org})),
        "detail": client.get(reverse("slas:detail", kwargs={"org": org, "pk": costed.pk})),
    }
    if role_has(role, Capability.REPORT_SAFEGUARDING) and kind in (K.SCHOOL, K.PROVIDER):
        pages["safeguarding"] = client.get(reverse("slas:safeguarding", kwargs={"org": org, "pk": costed.pk}))
    for name, response in pages.items():
        assert response.status_code == 200, (name, response.status_code)
    detail = _text(pages["detail"])
    assert costed.reference in detail  # the SLA itself is readable
    pdf = client.get(reverse("slas:pdf", kwargs={"org": org, "pk": costed.pk}))
    if reads:
        for sentinel in SENTINELS:
            assert sentinel in detail, sentinel
        assert "Costs are shown only to finance roles" not in detail
        assert "Download PDF" in detail
        assert pdf.status_code == 200
        text = _pdf_text(pdf)
        for sentinel in SENTINELS:
            assert sentinel in text, sentinel
    else:
        for name, response in pages.items():
            html = _text(response)
            for sentinel in (*SENTINELS, "98,765.43", "876,543.21"):
                assert sentinel not in html, (name, sentinel)
        assert "Costs are shown only to finance roles" in detail
        assert "only finance roles can download it" in detail and "Download PDF" not in detail
        assert pdf.status_code == 403 and b"%PDF" not in pdf.content
        # Other SLA facts stay visible.
        assert "Tuesday and Thursday" in detail and "Payment" in detail


def test_the_public_verify_page_shows_no_costs(costed, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = services.sla_pdf_file(costed).read_bytes()
    response = client.post("/verify/", {"document": SimpleUploadedFile("sla.pdf", data)}, REMOTE_ADDR="203.0.113.41")
    html = _text(response)
    assert "This PDF matches the signed record" in html
    for sentinel in SENTINELS:
        assert sentinel not in html


def test_the_selector_returns_costs_only_to_cost_readers_and_a_withheld_sla_cannot_be_saved(costed, world):
    trust = world.member(K.TRUST, Role.TRUST_EXECUTIVE)
    finance = world.member(K.SCHOOL, Role.FINANCE)
    with scope(organisation=finance.organisation):
        view = selectors.sla_view(selectors.sla_detail_queryset().get(pk=costed.pk), finance)
    assert view.costs.rate == Decimal(RATE) and view.costs.estimated_total == Decimal(TOTAL)
    assert view.can_download_pdf and not view.costs_withheld
    with scope(organisation=trust.organisation):
        view = selectors.sla_view(selectors.sla_detail_queryset().get(pk=costed.pk), trust)
        listed = selectors.sla_list(trust)
    assert view.costs is None and view.costs_withheld and view.pdf_withheld and not view.can_download_pdf
    assert view.sla.rate is None and view.sla.estimated_total is None and view.sla.payment_due_days is None
    assert [c.text for c in view.clauses if c.withheld] == [selectors.COSTS_WITHHELD]
    assert all(NOTE not in c.text and NOTE not in c.clause.body for c in view.clauses)
    assert [s.rate for s in listed] == [None]
    with pytest.raises(RuntimeError, match="without its costs"):
        view.sla.save()
