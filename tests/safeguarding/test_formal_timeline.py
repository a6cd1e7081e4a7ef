"""This app's timeline sources (monitoring.timeline) and the notice a person gets when a DSL shares
a concern with them.

Sources: incidents, emergency and formal reviews for the staff who read behaviour and progress, one
query each; a concern is a full entry (with the link to read it) for its DSLs and the people it is
shared with, "Restricted record" with no link or detail for the school's other staff, and nothing
for the provider's other staff, trusts and LAs. A sentinel in the concern's text is read only by
those allowed, through the entry's link. The shared person is told at once, with no name or detail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apcommission import clock
from monitoring.timeline import placement_timeline
from notifications.models import Notification
from notifications.services import notifications_deliver
from safeguarding import services
from safeguarding.timeline import (
    concern_entries,
    formal_review_entries,
    incident_entries,
)
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW, record


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


SENTINEL = "Marrowbloom-disclosure-8810"


@pytest.fixture
def concern(placed, django_capture_on_commit_callbacks):
    school = placed.org(K.SCHOOL)
    with django_capture_on_commit_callbacks(execute=True), scope(organisation=school):
        return services.concern_raise(placement=placed.placements["a"], by=placed.user(K.SCHOOL, R.PASTORAL),
                                      organisation=school, now=NOW,
                                      data={"occurred_at": NOW, "what": f"Said {SENTINEL}", "people": "Tutor",
                                            "immediate_action": "Told the DSL"})


def _entries(world, source, kind, role, side="a"):
    member = world.member(kind, role, side)
    with scope(organisation=member.organisation), clock.frozen(NOW):
        return list(source(world.placements["a"], member))


CONCERN_READS = {
    (K.SCHOOL, R.DSL): "full", (K.PROVIDER, R.PROVIDER_DSL): "full",
    (K.SCHOOL, R.HEADTEACHER): "restricted", (K.SCHOOL, R.PASTORAL): "restricted",
    (K.SCHOOL, R.ATTENDANCE_OFFICER): "restricted",
    (K.PROVIDER, R.PROVIDER_STAFF): "none", (K.PROVIDER, R.PROVIDER_MANAGER): "none",
    (K.TRUST, R.TRUST_EXECUTIVE): "none",
}


@pytest.mark.parametrize(("kind", "role"), sorted(CONCERN_READS))
def test_a_concern_entry_per_reader(placed, concern, login, kind, role):
    entries = _entries(placed, concern_entries, kind, role)
    expected = CONCERN_READS[(kind, role)]
    assert SENTINEL not in repr(entries)
    if expected == "none":
        assert entries == []
        return
    (entry,) = entries
    if expected == "restricted":
        assert (entry.title, entry.restricted, entry.url, entry.state) == ("Restricted record", True, "", "")
        return
    assert entry.title == "Safeguarding concern" and not entry.restricted
    with clock.frozen(NOW):
        page = login(placed.user(kind, role)).get(entry.url).content.decode()
    assert SENTINEL in page


def test_shared_with_a_person_they_get_the_full_entry_and_are_told(placed, concern, login,
                                                                   django_capture_on_commit_callbacks):
    person = placed.user(K.TRUST, R.TRUST_EXECUTIVE)
    dsl_org = placed.org(K.SCHOOL)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), scope(organisation=dsl_org):
        services.concern_share(concern=concern, user=person, by=placed.user(K.SCHOOL, R.DSL), organisation=dsl_org,
                               now=NOW)
    (entry,) = _entries(placed, concern_entries, K.TRUST, R.TRUST_EXECUTIVE)
    assert not entry.restricted and "trust-a" in entry.url
    with scopes_disabled():
        notice = Notification.objects.get(topic="safeguarding_concern_shared")
        assert (notice.user_id, notice.urgent, notice.organisation_id) == (person.pk, True, placed.org(K.TRUST).pk)
        assert AuditEvent.objects.filter(object_id=str(concern.pk), detail=f"Shared with {person.email}").exists()
    notifications_deliver(now=NOW)
    (email,) = [m for m in mail.outbox if person.email in m.to]
    pupil = placed.pupils["a"]
    text = email.subject + email.body
    assert SENTINEL not in text and pupil.first_name not in text and pupil.last_name not in text
    with clock.frozen(NOW):
        assert SENTINEL in login(person).get(notice.link).content.decode()


def test_incidents_and_reviews_for_the_staff_who_read_behaviour(placed, django_assert_max_num_queries):
    for n in range(3):
        record(placed, n=n)
    school = placed.org(K.SCHOOL)
    with scope(organisation=school):
        services.formal_review_open(placement=placed.placements["a"], reason="No progress", by=None,
                                    organisation=school, now=NOW)
    for source, kinds in ((incident_entries, ["emergency_review", "incident", "incident", "incident"]),
                          (formal_review_entries, ["formal_review"])):
        for side_kind, role in ((K.SCHOOL, R.AP_LEAD), (K.PROVIDER, R.PROVIDER_STAFF)):
            entries = _entries(placed, source, side_kind, role)
            assert sorted(e.kind for e in entries) == kinds
            assert all(e.url for e in entries)
        assert _entries(placed, source, K.SCHOOL, R.ATTENDANCE_OFFICER) == []
    (review,) = [e for e in _entries(placed, incident_entries, K.SCHOOL, R.AP_LEAD) if e.kind == "emergency_review"]
    assert review.state == "Open"


def test_the_sources_cost_a_few_queries_whatever_the_entries(placed, concern):
    for n in range(6):
        record(placed, n=n)
    member = placed.member(K.SCHOOL, R.AP_LEAD)
    with scope(organisation=member.organisation), clock.frozen(NOW), CaptureQueriesContext(connection) as queries:
        entries = placement_timeline(placed.placements["a"], member)
    kinds = {e.kind for e in entries}
    assert {"incident", "emergency_review", "concern"} <= kinds
    mine = [q for q in queries.captured_queries if "safeguarding" in q["sql"] or "guardian" in q["sql"]]
    assert len(mine) <= 6, [q["sql"][:120] for q in mine]
