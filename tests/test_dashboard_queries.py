"""Dashboards cost a fixed number of SQL queries, whatever the amount of data behind them.

The school dashboard is measured at 10 pupils and must cost the same at 1,000 (bench/dashboard.py
reports the same figures against a fresh database), and the headteacher's attention list the same
with 1 and 12 things to do. Every role of every kind of organisation gets
its dashboard within QUERY_BUDGET, and the trust, LA and provider dashboards too stay the same
when their data grows.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from bench.dashboard import add_pupils, count_queries
from placements.factories import PupilFactory, placement_in_state
from providers.models import ProviderListing
from slas.factories import draft_sla
from tenancy.factories import OrganisationFactory
from tenancy.roles import ROLE_KINDS, OrganisationKind
from tenancy.scoping import scopes_disabled
from tests.conftest import WORLD_NOW


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


K = OrganisationKind

# Session, user, memberships, each panel's figures and attention items (apcommission/dashboards.py:
# one or two queries per panel, whatever the data), savepoints and the session save. 14 before the
# "Needs your attention" list; 17 with it (a headteacher: placements 2, pupils 1, SLAs 1,
# directory 2, notifications 1, attendance 1: the placements below the target, issue 11 item 4);
# 19 with safeguarding (issue 12 item 6: the open emergency reviews 1, unread concerns 1);
# 20 with visits (issue 12 item 3: the placements with a visit overdue and their count, one query).
# 21 with review meetings (issue 12 item 4: the placements whose next review is due or overdue, one query).
# 22 with improvement plans (issue 13 item 4: a headteacher or AP lead runs the school's termly QA; the
# open improvement actions by RAG and the overdue ones, one aggregate query).
# 23 with each visit owner's own work (issue 12 item 8: visits due and overdue actions, one query).
# 24 with termly reports (issue 12 item 5: the school's reports to acknowledge, or the provider's to
# write, one query; the provider's behaviour updates owed, one more, within the same budget).
# Raise it only with a reason: a dashboard is the page everyone opens first.
QUERY_BUDGET = 25  # 24 until issue 14: the exams panel ("Exams in the next 4 weeks") reads one more


def dashboard_url(org) -> str:
    return reverse("dashboard", kwargs={"org": org.slug})


def test_school_dashboard_queries_are_the_same_at_10_and_1000_pupils(world, login, django_assert_num_queries):
    school = world.org(K.SCHOOL)
    client = login(world.user(K.SCHOOL, "ap_lead"))
    url = dashboard_url(school)
    add_pupils(school, 9)  # the world has one pupil already
    at_10 = count_queries(client, url)
    assert at_10 <= QUERY_BUDGET

    add_pupils(school, 990)
    with django_assert_num_queries(at_10):
        response = client.get(url)
    assert response.status_code == 200
    on_roll = {f.label: f.value for f in response.context["figures"]}["Pupils on roll"]
    assert on_roll == 1000, "the 1,000 pupils are not on the dashboard"


def _attention_work(world, count: int):
    """`count` referrals awaiting the headteacher at school a, each at provider a, and as many draft
    SLAs with provider a: every one is an item of the headteacher's attention list."""
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    lead = world.user(K.SCHOOL, "ap_lead")
    with scopes_disabled():
        for _ in range(count):
            pupil = PupilFactory(school=school)
            placement_in_state(pupil=pupil, provider=provider, state="draft", submitted=True, now=WORLD_NOW)
    for _ in range(count):
        draft_sla(school=school, provider=provider, by=lead, now=WORLD_NOW)


def test_attention_list_costs_the_same_with_1_and_12_things_to_do(world, login, django_assert_num_queries):
    client = login(world.user(K.SCHOOL, "headteacher"))
    url = dashboard_url(world.org(K.SCHOOL))
    _attention_work(world, 1)
    with_one = count_queries(client, url)
    assert with_one <= QUERY_BUDGET
    _attention_work(world, 11)
    with django_assert_num_queries(with_one):
        response = client.get(url)
    texts = [item.text for item in response.context["attention"]]
    assert sum(t.startswith("Decide on the referral") for t in texts) == 5, texts
    assert "See all 12 referrals awaiting your decision" in texts


def _more_trust_data(world):
    """Another school in trust A, both schools with 500 pupils."""
    trust = world.org(K.TRUST)
    other = OrganisationFactory(kind=K.SCHOOL, slug="school-a2", name="School A2",
                                local_authority=world.org(K.LOCAL_AUTHORITY), trust=trust)
    add_pupils(world.org(K.SCHOOL), 499)
    add_pupils(other, 500)


def _more_area_data(world):
    """50 more schools and 20 more listed providers in LA A."""
    la = world.org(K.LOCAL_AUTHORITY)
    for n in range(50):
        OrganisationFactory(kind=K.SCHOOL, slug=f"la-a-school-{n}", local_authority=la)
    with scopes_disabled():
        for n in range(20):
            provider = OrganisationFactory(kind=K.PROVIDER, slug=f"la-a-provider-{n}", local_authority=la)
            ProviderListing.objects.create(local_authority=la, provider=provider)


def _more_listings(world):
    """Provider A listed by 20 more local authorities."""
    provider = world.org(K.PROVIDER)
    with scopes_disabled():
        for n in range(20):
            la = OrganisationFactory(kind=K.LOCAL_AUTHORITY, slug=f"other-la-{n}")
            ProviderListing.objects.create(local_authority=la, provider=provider)


@pytest.mark.parametrize(("kind", "role", "grow"), [
    (K.TRUST, "trust_executive", _more_trust_data),
    (K.LOCAL_AUTHORITY, "qa_officer", _more_area_data),
    (K.PROVIDER, "provider_manager", _more_listings),
])
def test_other_dashboards_do_not_grow_with_their_data(world, login, django_assert_num_queries, kind, role, grow):
    client = login(world.user(kind, role))
    url = dashboard_url(world.org(kind))
    before = count_queries(client, url)
    grow(world)
    with django_assert_num_queries(before):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(("kind", "role"), sorted((kind, role) for kind, roles in ROLE_KINDS.items() for role in roles))
def test_every_member_gets_their_dashboard_within_the_query_budget(world, login, django_assert_max_num_queries, kind, role):
    client = login(world.user(kind, role))
    url = dashboard_url(world.org(kind))
    client.get(url)  # warm up
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(url)
    assert response.status_code == 200
    assert world.org(kind).name in response.content.decode()
