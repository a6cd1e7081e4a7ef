"""SLA clause text is user input: only `{known_name}` placeholders are filled, never str.format."""

from __future__ import annotations

import pytest
from django.urls import reverse

from slas import services
from slas.factories import draft_sla
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


INJECTIONS = [
    "{register_deadline_minutes.__class__.__mro__}",
    "{register_deadline_minutes.__class__.__init__.__globals__}",
    "{visits_per_half_term.real}",
    "{register_deadline_minutes!r}",
    "{register_deadline_minutes:>999999}",
    "{x:>999999}",
    "{0}", "{}", "{settings.SECRET_KEY}", "{sla}", "{ unknown }", "{Register_Deadline_Minutes}",
    "{", "}", "}{", "{{", "{:%Y}",
]


@pytest.fixture
def sla(world):
    lead = world.member(K.SCHOOL, Role.AP_LEAD)
    return draft_sla(school=lead.organisation, provider=world.org(K.PROVIDER), by=lead.user)


@pytest.mark.parametrize("text", INJECTIONS)
def test_anything_but_a_known_placeholder_prints_literally(sla, text):
    body = f"Before {text} after"
    assert services.render_clause(sla, body) == body


def test_known_placeholders_still_fill(sla):
    body = ("Registers within {register_deadline_minutes} minutes; review after "
            "{incidents_before_emergency_review} incidents; {visits_per_half_term} visit(s). "
            "{register_deadline_minutes}.")
    assert services.render_clause(sla, body) == (
        f"Registers within {sla.register_deadline_minutes} minutes; review after "
        f"{sla.incidents_before_emergency_review} incidents; {sla.visits_per_half_term} visit(s). "
        f"{sla.register_deadline_minutes}.")


def test_a_mixture_fills_only_the_known_names(sla):
    body = "{register_deadline_minutes} and {register_deadline_minutes.__class__} and {x:>99}"
    assert services.render_clause(sla, body) == (
        f"{sla.register_deadline_minutes} and {{register_deadline_minutes.__class__}} and {{x:>99}}")


def test_an_injected_clause_shows_literally_on_the_page_and_in_the_pdf_text(sla, world, login):
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    clause = sla.clauses.first()
    body = "Padding {x:>999999} and internals {register_deadline_minutes.__class__.__mro__}; registers {register_deadline_minutes}."
    response = client.post(reverse("slas:clause", kwargs={"org": "school-a", "pk": sla.pk, "clause_pk": clause.pk}),
                           {"heading": clause.heading, "body": body})
    assert response.status_code == 302
    page = client.get(reverse("slas:detail", kwargs={"org": "school-a", "pk": sla.pk}))
    html = page.content.decode()
    assert "{x:&gt;999999}" in html and "{register_deadline_minutes.__class__.__mro__}" in html
    assert "&lt;class" not in html and "<class" not in html
    assert f"registers {sla.register_deadline_minutes}." in html
    assert len(page.content) < 200_000
    with scope(organisation=sla.school):
        context = services.sla_pdf_context(sla, verify_url="http://testserver/verify/")
        canonical = services.canonical_content(sla)
    bodies = [c["body"] for section in context["sections"] for c in section["clauses"]]
    assert any("{x:>999999}" in b and "<class" not in b for b in bodies)
    assert all(len(c["body"]) < 5_000 for c in canonical["clauses"])
