"""What each dashboard says and offers, on the two-sided test world: the things a person would
notice (a missing "to do", a count that promises more than the list, a link that ends in 403)."""

from __future__ import annotations

import ast
import datetime as dt
import inspect

import pytest
from django.urls import reverse

from apcommission import clock, dashboards
from apcommission.dashboards import link, registered_panels
from placements.factories import PupilFactory, placement_in_state
from providers.models import REQUIRED_DOCUMENT_KINDS
from slas import services as sla_services
from slas.factories import signed_sla
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R
from tenancy.scoping import scope, scopes_disabled
from tests.conftest import WORLD_NOW
from tests.providers.conftest import add_staff, upload

from .conftest import read_dashboard


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


def _dashboard(client, world, kind, role):
    member = world.member(kind, role)
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    return read_dashboard(client, member)


def test_each_app_contributes_its_panels_and_the_project_package_imports_none_of_them():
    keys = {panel.key for panel in registered_panels()}
    assert {"placements", "pupils", "slas", "provider_pack", "directory", "notifications"} <= keys
    tree = ast.parse(inspect.getsource(dashboards))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m and m.split(".")[0] in ("placements", "providers", "slas", "notifications")}
    # A panel declares its kinds; the project package never compares a kind with a particular one.
    kind_tests = [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.Compare) and "kind" in ast.unparse(n)
                  and any((isinstance(c, ast.Constant) and isinstance(c.value, str)) or "Kind" in ast.unparse(c)
                          or ast.unparse(c).startswith("K.")
                          for c in n.comparators)]
    assert kind_tests == [], "no `if kind == ...` in the project package: panels declare their kinds"


def test_links_only_to_pages_the_role_can_open(world):
    school = world.org(K.SCHOOL)
    assert link(world.member(K.SCHOOL, R.HEADTEACHER), "placements:referral_decision", pk=1)
    assert link(world.member(K.SCHOOL, R.AP_LEAD), "placements:referral_decision", pk=1) is None
    assert link(world.member(K.SCHOOL, R.FINANCE), "slas:create") is None
    assert link(world.member(K.SCHOOL, R.AP_LEAD), "slas:create") == reverse("slas:create", kwargs={"org": school.slug})
    assert link(world.member(K.PROVIDER, R.PROVIDER_MANAGER), "placements:referral_start") is None


def test_the_ap_lead_can_refer_a_pupil_and_finance_is_offered_nothing_it_cannot_open(world, client):
    lead = _dashboard(client, world, K.SCHOOL, R.AP_LEAD)
    assert ("Refer a pupil", reverse("placements:referral_start", kwargs={"org": world.org(K.SCHOOL).slug})) in lead.actions
    finance = _dashboard(client, world, K.SCHOOL, R.FINANCE)
    assert finance.actions == []
    # The budget holder's figures: the SLAs it reads and the invoices it alone authorises, each a
    # link to a page it opens.
    assert [label for label, _, _ in finance.figures] == ["Service level agreements", "Invoices awaiting authorisation"]
    for _, _, url in finance.figures:
        assert client.get(url).status_code == 200, url
    assert "Pupils in alternative provision" not in finance.html  # not "0" where the AP lead sees the real number


def test_the_headteacher_is_asked_to_decide_only_referrals_sent_to_them(world, client):
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    with scopes_disabled():
        sent = PupilFactory(school=school, first_name="Sent", last_name="Pupil")
        placement_in_state(pupil=sent, provider=provider, state="draft", submitted=True, now=WORLD_NOW)
        unsent = PupilFactory(school=school, first_name="Unsent", last_name="Pupil")
        placement_in_state(pupil=unsent, provider=provider, state="draft", now=WORLD_NOW)
    head = _dashboard(client, world, K.SCHOOL, R.HEADTEACHER)
    assert [text for text, _ in head.attention if text.startswith("Decide")] == ["Decide on the referral for Sent Pupil"]
    figures = {label: value for label, value, _ in head.figures}
    assert figures["Referrals awaiting the headteacher's decision"] == 1
    # The AP lead, who cannot decide, is not asked to.
    lead = _dashboard(client, world, K.SCHOOL, R.AP_LEAD)
    assert not [text for text, _ in lead.attention if text.startswith("Decide")]


def test_the_provider_safeguarding_lead_is_told_about_an_sla_awaiting_their_acknowledgement(world, client):
    sla = signed_sla(school_member=world.member(K.SCHOOL, R.AP_LEAD),
                     provider_member=world.member(K.PROVIDER, R.PROVIDER_MANAGER), now=WORLD_NOW)
    dsl = world.member(K.PROVIDER, R.PROVIDER_DSL)
    board = _dashboard(client, world, K.PROVIDER, R.PROVIDER_DSL)
    expected = reverse("slas:safeguarding", kwargs={"org": world.org(K.PROVIDER).slug, "pk": sla.pk})
    assert [href for text, href in board.attention if text.startswith("Acknowledge")] == [expected]

    with scope(organisation=dsl.organisation):
        sla_services.sla_acknowledge_safeguarding(sla=sla, membership=dsl, now=WORLD_NOW)
    board = _dashboard(client, world, K.PROVIDER, R.PROVIDER_DSL)
    assert not [text for text, _ in board.attention if text.startswith("Acknowledge")]


def test_the_la_officer_is_asked_to_review_providers_not_yet_approved(world, client):
    board = _dashboard(client, world, K.LOCAL_AUTHORITY, R.AP_OFFICER)
    directory = reverse("providers:directory", kwargs={"org": world.org(K.LOCAL_AUTHORITY).slug})
    assert ("Review 1 provider listed but not yet approved", f"{directory}?status=listed") in board.attention
    figures = {label: href for label, _, href in board.figures}
    assert figures["Providers in the directory"] == directory
    assert all(href for href in figures.values()), "every LA figure links to its list"


def test_an_empty_attention_list_says_so(world, client):
    board = _dashboard(client, world, K.TRUST, R.ORG_ADMIN)
    assert board.attention == []
    assert "Nothing needs your attention now." in board.html


def test_expired_documents_and_staff_checks_reach_the_provider_and_its_la(world, client):
    today = clock.today()
    upload(world, kind="safeguarding", issued_on=today - dt.timedelta(days=400), review_on=today - dt.timedelta(days=1))
    add_staff(world, trained_on=today - dt.timedelta(days=400))  # level 2 training is yearly: overdue
    provider, la = world.org(K.PROVIDER), world.org(K.LOCAL_AUTHORITY)
    pack = reverse("providers:pack", kwargs={"org": provider.slug})

    board = _dashboard(client, world, K.PROVIDER, R.PROVIDER_MANAGER)
    assert ("Upload a new Safeguarding and child protection policy", pack) in board.attention
    assert (f"Upload the {len(REQUIRED_DOCUMENT_KINDS) - 1} documents missing from your pack", pack) in board.attention
    staff = reverse("providers:staff_list", kwargs={"org": provider.slug})
    assert ("Renew the safeguarding training of 1 member of staff", staff) in board.attention
    assert "Expired on" in board.html and "Overdue" in board.html
    # The provider's staff member, who cannot open the pack, is not asked to.
    assert not _dashboard(client, world, K.PROVIDER, R.PROVIDER_STAFF).attention

    board = _dashboard(client, world, K.LOCAL_AUTHORITY, R.QA_OFFICER)
    page = reverse("providers:directory_provider", kwargs={"org": la.slug, "provider_pk": provider.pk})
    assert ("Check Provider A's documents", page) in board.attention
    assert "Documents: 1 expired" in board.html
    assert client.get(page).status_code == 200
