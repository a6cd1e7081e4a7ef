"""Restricted safeguarding concerns (issue 12 item 6): only the DSLs of the placement's school and
provider, and the people a DSL shares one concern with, read it. Content tests with a sentinel in
the concern's text, for every role of every kind, on every page that could show it; grants and
revokes; every read, share and stop in the audit log; the emails carry no pupil name or detail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apcommission import clock
from notifications.services import notifications_deliver
from safeguarding import services
from safeguarding.models import SafeguardingConcern
from tenancy.models import AuditEvent
from tenancy.roles import ROLE_KINDS
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


SENTINEL = "Zebracorn-bruise-7391"
READERS = {(K.SCHOOL, R.DSL), (K.PROVIDER, R.PROVIDER_DSL)}


@pytest.fixture
def concern(placed, django_capture_on_commit_callbacks):
    provider = placed.org(K.PROVIDER, "a")
    data = {"occurred_at": NOW, "what": f"Disclosed {SENTINEL} at break", "people": f"Key worker {SENTINEL}",
            "immediate_action": f"Told the DSL {SENTINEL}"}
    with django_capture_on_commit_callbacks(execute=True), scope(organisation=provider):
        return services.concern_raise(placement=placed.placements["a"], data=data,
                                      by=placed.user(K.PROVIDER, R.PROVIDER_STAFF), organisation=provider, now=NOW)


def _pages(world, kind, concern):
    org = world.org(kind, "a").slug
    return {
        "placement": reverse("placements:placement_detail", kwargs={"org": org, "pk": concern.placement_id}),
        "concern": reverse("safeguarding:concern_detail", kwargs={"org": org, "pk": concern.pk}),
        "list": reverse("safeguarding:concern_list", kwargs={"org": org}),
        "dashboard": reverse("dashboard", kwargs={"org": org}),
        "inbox": reverse("notifications:inbox", kwargs={"org": org}),
    }


def _read(client, url) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_only_the_dsls_read_it_on_any_page(placed, concern, login):
    seen = {}
    with clock.frozen(NOW):
        for kind in (K.SCHOOL, K.PROVIDER, K.TRUST, K.LOCAL_AUTHORITY):
            for role in sorted(ROLE_KINDS[kind]):
                client = login(placed.user(kind, role))
                for page, url in _pages(placed, kind, concern).items():
                    status, text = _read(client, url)
                    if SENTINEL in text:
                        seen.setdefault((kind, role), []).append(page)
                    if page == "concern":
                        assert status == (200 if (kind, role) in READERS else 404), (kind, role, status)
    assert seen == {reader: ["concern"] for reader in READERS}


def test_other_providers_and_schools_never_reach_it(placed, concern, login):
    for kind, role in ((K.PROVIDER, R.PROVIDER_DSL), (K.SCHOOL, R.DSL), (K.TRUST, R.TRUST_EXECUTIVE)):
        client = login(placed.user(kind, role, "b"))
        url = reverse("safeguarding:concern_detail", kwargs={"org": placed.org(kind, "b").slug, "pk": concern.pk})
        status, text = _read(client, url)
        assert status == 404 and SENTINEL not in text


def test_other_school_staff_see_a_restricted_record_with_its_date_only(placed, concern, login):
    client = login(placed.user(K.SCHOOL, R.PASTORAL))
    status, text = _read(client, _pages(placed, K.SCHOOL, concern)["placement"])
    assert status == 200 and "Restricted record, 25 November 2026" in text and SENTINEL not in text
    client = login(placed.user(K.PROVIDER, R.PROVIDER_STAFF))
    status, text = _read(client, _pages(placed, K.PROVIDER, concern)["placement"])
    assert status == 200 and "Restricted record" not in text


def _audit(concern, action):
    with scopes_disabled():
        return list(AuditEvent.objects.filter(object_id=str(concern.pk), content_type__model="safeguardingconcern",
                                              action=action).values_list("organisation__slug", "detail"))


def test_a_dsl_shares_it_with_one_person_and_stops(placed, concern, login):
    trust_exec = placed.user(K.TRUST, R.TRUST_EXECUTIVE)
    pages = _pages(placed, K.TRUST, concern)
    client = login(trust_exec)
    assert _read(client, pages["concern"])[0] == 404
    dsl = login(placed.user(K.SCHOOL, R.DSL))
    share_url = reverse("safeguarding:concern_share", kwargs={"org": "school-a", "pk": concern.pk})
    assert trust_exec.email in dsl.get(share_url).content.decode()
    response = dsl.post(share_url, {"person": trust_exec.pk})
    assert response.status_code == 302
    assert _audit(concern, "change") == [("school-a", f"Shared with {trust_exec.email}")]

    client = login(trust_exec)
    status, text = _read(client, pages["concern"])
    assert status == 200 and SENTINEL in text
    assert SENTINEL not in _read(client, pages["list"])[1] and "25 November 2026" in _read(client, pages["list"])[1]
    assert "1 new safeguarding concern" not in _read(client, pages["dashboard"])[1]  # read already
    assert ("trust-a", "Read the safeguarding concern") in _audit(concern, "view")
    assert ("school-a", "by Trust A (Academy trust): Read the safeguarding concern") in _audit(concern, "view")
    # Nobody else at the trust reads it.
    assert _read(login(placed.user(K.TRUST, R.ORG_ADMIN)), pages["concern"])[0] == 404

    dsl = login(placed.user(K.SCHOOL, R.DSL))
    stop = reverse("safeguarding:concern_unshare", kwargs={"org": "school-a", "pk": concern.pk, "user_pk": trust_exec.pk})
    assert dsl.post(stop).status_code == 302
    assert _audit(concern, "revoke") == [("school-a", f"Stopped sharing with {trust_exec.email}")]
    status, text = _read(login(trust_exec), pages["concern"])
    assert status == 404 and SENTINEL not in text


def test_only_a_dsl_shares_and_only_with_people_around_the_placement(placed, concern, login):
    outsider = placed.user(K.SCHOOL, R.PASTORAL, "b")
    dsl = login(placed.user(K.PROVIDER, R.PROVIDER_DSL))
    url = reverse("safeguarding:concern_share", kwargs={"org": "provider-a", "pk": concern.pk})
    response = dsl.post(url, {"person": outsider.pk})
    assert response.status_code == 400 and outsider.email not in response.content.decode()
    assert _audit(concern, "change") == []
    headteacher = login(placed.user(K.SCHOOL, R.HEADTEACHER))
    assert headteacher.get(url.replace("provider-a", "school-a")).status_code == 403


def test_dsls_are_told_at_once_with_no_name_or_detail(placed, concern, login, mailoutbox):
    pupil = placed.pupils["a"]
    notifications_deliver(now=NOW)
    told = {address for m in mailoutbox for address in m.to}
    assert told == {placed.user(K.SCHOOL, R.DSL).email, placed.user(K.PROVIDER, R.PROVIDER_DSL).email}
    for message in mailoutbox:
        text = message.subject + message.body + "".join(str(a[0]) for a in getattr(message, "alternatives", []))
        assert SENTINEL not in text and pupil.first_name not in text and pupil.last_name not in text
    # The DSL's dashboard counts it until they read it.
    client = login(placed.user(K.SCHOOL, R.DSL))
    dashboard = _pages(placed, K.SCHOOL, concern)["dashboard"]
    assert "1 new safeguarding concern" in _read(client, dashboard)[1]
    client.get(_pages(placed, K.SCHOOL, concern)["concern"])
    assert "new safeguarding concern" not in _read(client, dashboard)[1]


def test_raising_a_concern_through_the_page(placed, login, django_capture_on_commit_callbacks):
    client = login(placed.user(K.SCHOOL, R.PASTORAL))
    url = reverse("safeguarding:concern_create", kwargs={"org": "school-a", "pk": placed.placements["a"].pk})
    response = client.post(url, {"date_0": "", "what": ""})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    with clock.frozen(NOW), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"date_0": "25", "date_1": "11", "date_2": "2026", "time": "09:15",
                                     "what": SENTINEL, "people": "Me", "immediate_action": "Stayed with them"})
    assert response.status_code == 302
    with scopes_disabled():
        concern = SafeguardingConcern.objects.get()
    assert concern.occurred_at == clock.london(NOW.date(), __import__("datetime").time(9, 15))
    assert SENTINEL not in client.get(response["Location"]).content.decode()
