"""The SLA's costing basis and VAT (slas, for invoices): offered in the schedule, shown where the rate
shows to cost readers only, and signed as part of the content when charged."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from slas.models import RateUnit
from slas.services import canonical_content
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope

from .conftest import make_books


def test_every_costing_basis_of_the_issue_is_offered():
    assert set(RateUnit.values) >= {"session", "day", "hour", "week", "pupil_week", "term"}
    assert RateUnit.HOUR.label == "per agreed hour" and RateUnit.TERM.label == "fixed per term"


def test_vat_shows_to_cost_readers_and_is_withheld_from_others(world, login):
    books = make_books(world, rate_unit="hour", vat_rate=Decimal("20.00"))
    url = reverse("slas:detail", kwargs={"org": world.org(K.SCHOOL).slug, "pk": books.sla.pk})
    page = login(world.user(K.SCHOOL, Role.AP_LEAD)).get(url).content.decode()
    assert "per agreed hour; VAT: 20% (standard rate)" in page
    trust_url = reverse("slas:detail", kwargs={"org": world.org(K.TRUST).slug, "pk": books.sla.pk})
    trust_page = login(world.user(K.TRUST, Role.TRUST_EXECUTIVE)).get(trust_url)
    assert trust_page.status_code == 200 and "VAT" not in trust_page.content.decode()
    from slas.factories import draft_sla

    draft = draft_sla(school=world.org(K.SCHOOL), provider=world.org(K.PROVIDER), by=world.user(K.SCHOOL, Role.AP_LEAD))
    schedule = reverse("slas:schedule", kwargs={"org": world.org(K.SCHOOL).slug, "pk": draft.pk})
    form = login(world.user(K.SCHOOL, Role.AP_LEAD)).get(schedule).content.decode()
    assert "VAT on invoices" in form and "fixed per term" in form


def test_vat_is_signed_content_only_when_charged(world):
    no_vat = make_books(world, vat_rate=Decimal("0.00")).sla
    with scope(organisation=world.org(K.SCHOOL)):
        assert "vat_rate" not in canonical_content(no_vat)["schedule"]  # hashes signed before VAT existed hold
    with_vat = make_books(world, vat_rate=Decimal("20.00"), side="b").sla
    with scope(organisation=world.org(K.SCHOOL, "b")):
        assert canonical_content(with_vat)["schedule"]["vat_rate"] == "20.00"
