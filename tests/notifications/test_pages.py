"""The header's unread count, the inbox's Open button and the notification settings page."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import EmailFrequency, EmailPreference, Notification
from notifications.services import notify
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = dt.datetime(2026, 11, 25, 9, 31, tzinfo=dt.UTC)


def _tell(org, role, n, prefix="k"):
    for i in range(n):
        notify(organisation=org, roles=[role], topic="test", subject=f"Subject {prefix}{i}", body="Body",
               dedupe_key=f"{prefix}-{i}", now=NOW, link=f"/o/{org.slug}/")


def _nav_link(page):
    soup = BeautifulSoup(page.content, "html.parser")
    return soup.select_one('#navigation a[href$="/notifications/"]')


def test_the_header_counts_my_unread_notifications_in_this_organisation(world, login):
    school = world.org(K.SCHOOL)
    dsl = world.member(K.SCHOOL, Role.DSL)
    _tell(school, Role.DSL, 3)
    _tell(school, Role.HEADTEACHER, 2, prefix="head")  # a colleague's: not counted
    with scopes_disabled():  # one already read: not counted
        Notification.objects.filter(user=dsl.user, dedupe_key="k-0").update(read_at=NOW)
    client = login(dsl.user)
    link = _nav_link(client.get("/o/school-a/"))
    assert link.get_text(" ", strip=True).replace(" )", ")") == "Notifications (2 unread)"
    assert link.select_one(".govuk-visually-hidden").get_text() == " unread"  # seen: "Notifications (2)"


def test_the_count_is_for_the_current_organisation_only(world, login):
    """The same person in two organisations: each organisation's header counts its own."""
    from tenancy.factories import MembershipFactory

    dsl = world.member(K.SCHOOL, Role.DSL)
    MembershipFactory(user=dsl.user, organisation=world.org(K.SCHOOL, "b"), role=Role.DSL)
    _tell(world.org(K.SCHOOL, "b"), Role.DSL, 4)
    client = login(dsl.user)
    assert _nav_link(client.get("/o/school-a/")).get_text(strip=True) == "Notifications"
    assert "(4" in _nav_link(client.get("/o/school-b/")).get_text()


def test_the_count_is_one_query_whatever_the_number(world, login):
    client = login(world.user(K.SCHOOL, Role.DSL))

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            client.get("/o/school-a/notifications/settings/")
        return [q["sql"] for q in ctx.captured_queries if "notifications_notification" in q["sql"]]

    _tell(world.org(K.SCHOOL), Role.DSL, 1)
    few = count_queries()
    _tell(world.org(K.SCHOOL), Role.DSL, 25, prefix="more")
    many = count_queries()
    assert len(few) == len(many) == 1
    assert "COUNT(" in many[0] and "read_at" in many[0] and "IS NULL" in many[0]


def test_the_unread_count_has_its_partial_index():
    index = next(i for i in Notification._meta.indexes if i.name == "notification_unread")
    assert index.fields == ["organisation", "user"] and str(index.condition) == "(AND: ('read_at__isnull', True))"


def test_the_inbox_offers_open_for_each_notification(world, login):
    school = world.org(K.SCHOOL)
    _tell(school, Role.DSL, 2)
    client = login(world.user(K.SCHOOL, Role.DSL))
    soup = BeautifulSoup(client.get("/o/school-a/notifications/").content, "html.parser")
    buttons = [b.get_text(strip=True) for b in soup.select("main form button")]
    assert buttons == ["Open: Subject k1", "Open: Subject k0"]
    assert soup.select_one('a[href="/o/school-a/notifications/settings/"]').get_text() == "Notification settings"


def test_a_member_chooses_a_daily_summary(world, login):
    member = world.member(K.PROVIDER, Role.PROVIDER_STAFF)
    client = login(member.user)
    page = client.get("/o/provider-a/notifications/settings/")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one("h1").get_text(strip=True) == "Notification settings"
    assert soup.select_one('input[value="immediate"]').has_attr("checked")
    assert "always emailed straight away" in soup.get_text()

    response = client.post("/o/provider-a/notifications/settings/", {"frequency": "daily"})
    assert response.status_code == 302
    with scopes_disabled():
        assert EmailPreference.objects.get(membership=member).frequency == EmailFrequency.DAILY
    page = client.get(response["Location"])
    assert b"Your notification settings have been saved" in page.content
    assert BeautifulSoup(page.content, "html.parser").select_one('input[value="daily"]').has_attr("checked")


@pytest.mark.parametrize("data", [{}, {"frequency": "weekly"}])
def test_no_choice_is_an_error_summary(world, login, data):
    client = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER))
    page = client.post("/o/school-a/notifications/settings/", data)
    assert page.status_code == 400
    summary = BeautifulSoup(page.content, "html.parser").select_one(".govuk-error-summary")
    assert summary.select_one("a").get_text(strip=True) == "Select how you want to get notification emails"
    with scopes_disabled():
        assert not EmailPreference.objects.exists()
