"""notify(): targets, urgency, each person's email choice, and one INSERT for many people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.factories import UserFactory
from apcommission import clock
from notifications.models import EmailFrequency, EmailPreference, Notification
from notifications.services import next_digest_at, notify
from tenancy.factories import MembershipFactory
from tenancy.models import Organisation
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = dt.datetime(2026, 11, 25, 9, 31, tzinfo=dt.UTC)  # Wednesday, GMT


def _notify(org, roles, key="k-1", **extra):
    return notify(organisation=org, roles=roles, topic="test", subject="Register not received",
                  body="Provider A, 09:00 session, 3 pupils. Sign in to see who.", dedupe_key=key, now=NOW,
                  link=f"/o/{org.slug}/", **extra)


def _daily(member):
    with scopes_disabled():
        EmailPreference.objects.create(membership=member, frequency=EmailFrequency.DAILY, updated_at=NOW)


def test_a_notification_points_at_its_target(world):
    school = world.org(K.SCHOOL)
    provider = world.org(K.PROVIDER)
    [row] = _notify(school, [Role.HEADTEACHER], target=provider)
    assert (row.target_type, row.target_id) == (ContentType.objects.get_for_model(Organisation), provider.pk)
    with scope(organisation=school):
        assert Notification.objects.get(pk=row.pk).target == provider
    # A (content type, id) pair works too: what the escalation engine stores for its targets.
    [row] = _notify(school, [Role.HEADTEACHER], key="k-2", target=(ContentType.objects.get_for_model(Organisation).pk,
                                                                   provider.pk))
    assert row.target_id == provider.pk
    [row] = _notify(school, [Role.HEADTEACHER], key="k-3")
    assert row.target is None and row.target_type_id is None


def test_a_person_who_chose_a_daily_summary_has_non_urgent_ones_held_until_7am(world):
    school = world.org(K.SCHOOL)
    _daily(world.member(K.SCHOOL, Role.DSL))
    rows = {r.user_id: r for r in _notify(school, [Role.DSL, Role.HEADTEACHER])}
    dsl, head = world.user(K.SCHOOL, Role.DSL), world.user(K.SCHOOL, Role.HEADTEACHER)
    seven_tomorrow = clock.london(dt.date(2026, 11, 26), dt.time(7, 0))
    assert (rows[dsl.pk].email_digest, rows[dsl.pk].email_next_attempt_at) == (True, seven_tomorrow)
    assert (rows[head.pk].email_digest, rows[head.pk].email_next_attempt_at) == (False, NOW)


def test_urgent_ones_are_never_held_for_the_summary(world):
    _daily(world.member(K.SCHOOL, Role.DSL))
    [row] = _notify(world.org(K.SCHOOL), [Role.DSL], urgent=True)
    assert row.urgent and not row.email_digest and row.email_next_attempt_at == NOW


def test_a_choice_in_one_organisation_does_not_change_another(world):
    """The choice is per membership: the same person elsewhere still gets emails straight away."""
    dsl = world.member(K.SCHOOL, Role.DSL)
    _daily(dsl)
    other = MembershipFactory(user=dsl.user, organisation=world.org(K.SCHOOL, "b"), role=Role.DSL)
    [row] = [r for r in _notify(other.organisation, [Role.DSL]) if r.user_id == dsl.user_id]
    assert not row.email_digest


@pytest.mark.parametrize(("now", "expected"), [
    # Before 07:00 it is today's summary; at or after, tomorrow's (wall-clock 07:00 in BST and in GMT).
    (dt.datetime(2026, 11, 25, 6, 59, tzinfo=dt.UTC), dt.datetime(2026, 11, 25, 7, 0, tzinfo=dt.UTC)),
    (dt.datetime(2026, 11, 25, 7, 0, tzinfo=dt.UTC), dt.datetime(2026, 11, 26, 7, 0, tzinfo=dt.UTC)),
    (dt.datetime(2026, 7, 1, 5, 30, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, 6, 0, tzinfo=dt.UTC)),
    # Saturday 24 October 2026 evening (BST) → Sunday 25 October 07:00, after the clocks went back: GMT.
    (dt.datetime(2026, 10, 24, 20, 0, tzinfo=dt.UTC), dt.datetime(2026, 10, 25, 7, 0, tzinfo=dt.UTC)),
    # Saturday 27 March 2027 evening (GMT) → Sunday 28 March 07:00 BST.
    (dt.datetime(2027, 3, 27, 20, 0, tzinfo=dt.UTC), dt.datetime(2027, 3, 28, 6, 0, tzinfo=dt.UTC)),
])
def test_the_summary_goes_at_7am_in_england_across_clock_changes(now, expected):
    assert next_digest_at(now) == expected


@pytest.mark.django_db
def test_notifying_20_people_costs_at_most_4_queries(django_assert_max_num_queries):
    with scopes_disabled():
        school = MembershipFactory(role=Role.ATTENDANCE_OFFICER).organisation
        for _ in range(19):
            MembershipFactory(organisation=school, role=Role.ATTENDANCE_OFFICER)
        MembershipFactory(organisation=school, role=Role.ATTENDANCE_OFFICER, is_active=False)
        MembershipFactory(organisation=school, role=Role.HEADTEACHER)
        _daily(MembershipFactory(organisation=school, role=Role.ATTENDANCE_OFFICER))
    with django_assert_max_num_queries(4):
        rows = _notify(school, [Role.ATTENDANCE_OFFICER])
    assert len(rows) == 21 and len({r.user_id for r in rows}) == 21
    assert sum(r.email_digest for r in rows) == 1
    assert all(r.pk for r in rows)


@pytest.mark.django_db
def test_only_the_rows_created_now_are_returned(django_assert_max_num_queries):
    with scopes_disabled():
        first = MembershipFactory(role=Role.DSL)
        school = first.organisation
    assert [r.user_id for r in _notify(school, [Role.DSL])] == [first.user_id]
    with scopes_disabled():
        second = MembershipFactory(organisation=school, role=Role.DSL, user=UserFactory())
    again = _notify(school, [Role.DSL])
    assert [r.user_id for r in again] == [second.user_id]
    assert _notify(school, [Role.DSL]) == []
    with scopes_disabled():
        assert Notification.objects.filter(dedupe_key="k-1").count() == 2


def test_notify_keeps_its_old_signature(world):
    """Callers written before targets and urgency still work (positional-free keywords only)."""
    rows = notify(organisation=world.org(K.PROVIDER), roles=[Role.PROVIDER_MANAGER], topic="expiry",
                  subject="s", body="b", dedupe_key="old", now=NOW, link="/x/")
    assert len(rows) == 1 and not rows[0].urgent
    rows = notify(organisation=world.org(K.PROVIDER), roles=[Role.PROVIDER_MANAGER], topic="expiry",
                  subject="s", body="b", dedupe_key="older", now=NOW)
    assert rows[0].link == ""
