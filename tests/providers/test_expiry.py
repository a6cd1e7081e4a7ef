"""The daily expiry sweep, run with a fixed clock day by day."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from providers.models import PolicyDocument, StaffVetting
from providers.services import expiry_reminders_send, staff_save
from providers.tasks import send_expiry_reminders
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

from .conftest import add_staff, manager, upload

START = dt.date(2026, 11, 1)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(6, 0), tzinfo=dt.UTC)


def sweep(day: dt.date) -> int:
    return expiry_reminders_send(now=at(day))


def notes(**filters):
    with scopes_disabled():
        return list(Notification.objects.filter(topic="provider_expiry", **filters).order_by("created_at", "pk"))


def keys_for(user):
    return [n.dedupe_key for n in notes(user=user)]


@pytest.fixture
def signed_off_school(world):
    """A school with an active placement at the provider (it is told once an item has expired)."""
    from placements.models import Placement, State

    with scopes_disabled():
        Placement.objects.create(school=world.org(K.SCHOOL), pupil=world.pupils["a"],
                                 provider=world.org(K.PROVIDER), state=State.ACTIVE)
    return world.org(K.SCHOOL)


def test_document_reminded_once_per_threshold(world, signed_off_school):
    expires = START + dt.timedelta(days=40)
    doc = upload(world, review_on=expires, issued_on=dt.date(2025, 12, 1), now=at(START))
    mgr = manager(world)
    for day in range(0, 10):  # more than 30 days out: nothing
        assert sweep(START + dt.timedelta(days=day)) == 0
    assert sweep(START + dt.timedelta(days=10)) == 1  # 30 days before: the provider's manager
    assert keys_for(mgr) == [f"expiry:document:{doc.pk}:30days:{expires}"]
    for day in range(11, 40):
        assert sweep(START + dt.timedelta(days=day)) == 0  # never twice
    sent = sweep(expires)  # expired: manager + school AP lead + LA officers
    assert sent == 4
    assert keys_for(mgr)[-1] == f"expiry:document:{doc.pk}:expired:{expires}"
    assert len(notes(user=world.user(K.SCHOOL, Role.AP_LEAD))) == 1
    assert len(notes(user=world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))) == 1
    assert len(notes(user=world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER))) == 1
    for day in range(41, 60):
        assert sweep(START + dt.timedelta(days=day)) == 0
    # nobody on side b, and nobody else at the school heard anything
    assert not notes(organisation=world.org(K.SCHOOL, "b"))
    assert not notes(user=world.user(K.SCHOOL, Role.PASTORAL))


def test_catches_up_after_missed_days(world):
    expires = START + dt.timedelta(days=40)
    upload(world, review_on=expires, issued_on=dt.date(2025, 12, 1), now=at(START))
    assert sweep(START) == 0
    # the sweep did not run from day 1 to day 14: on day 15 the 30-day reminder still goes
    assert sweep(START + dt.timedelta(days=15)) == 1
    assert "expires on" in notes()[0].body


def test_item_first_seen_already_expired_gets_only_the_expired_reminder(world):
    expires = START + dt.timedelta(days=5)
    doc = upload(world, review_on=expires, issued_on=dt.date(2025, 12, 1), now=at(START))
    assert sweep(START + dt.timedelta(days=20)) == 1 + 2  # manager + LA officers (no school has signed off)
    assert [n.dedupe_key for n in notes(user=manager(world))] == [f"expiry:document:{doc.pk}:expired:{expires}"]


def test_running_twice_the_same_day_sends_once(world):
    upload(world, review_on=START + dt.timedelta(days=20), issued_on=dt.date(2025, 12, 1), now=at(START))
    assert sweep(START) == 1
    assert sweep(START) == 0
    # even if the row's state were reset, the dedupe key stops a second notification
    with scopes_disabled():
        PolicyDocument.objects.update(next_reminder_on=START)
    assert sweep(START) == 0
    assert len(notes()) == 1


def test_renewed_document_gets_fresh_reminders(world):
    upload(world, review_on=START + dt.timedelta(days=20), issued_on=dt.date(2025, 12, 1), now=at(START))
    assert sweep(START) == 1
    renewed = START + dt.timedelta(days=25)
    upload(world, review_on=renewed, issued_on=START, now=at(START))
    assert sweep(START + dt.timedelta(days=1)) == 1
    assert len(notes(user=manager(world))) == 2
    with scopes_disabled():
        assert PolicyDocument.objects.filter(is_current=False, next_reminder_on__isnull=False).count() == 0


def test_dbs_and_training_reminders_name_the_person_only_to_the_provider(world, signed_off_school):
    # DBS issued 3 years before START + 10 days: re-check due in 10 days. Training (level 2) expired.
    staff = add_staff(world, full_name="Pat Example", dbs_issued_on=dt.date(2023, 11, 11),
                      trained_on=dt.date(2025, 10, 1), now=at(START))
    assert sweep(START) == 1 + 1 + 1 + 2  # DBS 30-day (manager); training expired (manager, school, 2 LA)
    mgr_notes = notes(user=manager(world))
    assert {n.subject for n in mgr_notes} == {"DBS check for Pat Example expires soon",
                                              "Safeguarding training for Pat Example has expired"}
    school_note = notes(user=world.user(K.SCHOOL, Role.AP_LEAD))[0]
    assert "Pat Example" not in school_note.subject + school_note.body
    assert "a staff member's safeguarding training" in school_note.subject
    # updating the record with new training restarts that item's reminders
    with scopes_disabled():
        staff_save(provider=world.org(K.PROVIDER), staff=staff, by=manager(world), now=at(START),
                   data={"trained_on": START - dt.timedelta(days=1)})
        vetting = StaffVetting.objects.get(staff=staff)
    assert vetting.training_due_on == dt.date(2027, 10, 31)
    assert vetting.training_next_reminder_on == dt.date(2027, 10, 1)


def test_staff_who_left_are_not_reminded(world):
    add_staff(world, dbs_issued_on=dt.date(2023, 11, 11), left_on=START - dt.timedelta(days=1), now=at(START))
    assert sweep(START) == 0


def test_sweep_queries_do_not_grow_with_rows_not_due(world, django_assert_max_num_queries):
    for i in range(30):
        upload(world, kind="safeguarding" if i % 2 else "anti_bullying", review_on=dt.date(2028, 1, 1) + dt.timedelta(days=i),
               issued_on=dt.date(2026, 1, 1), now=at(START))
    with CaptureQueriesContext(connection) as queries:
        assert sweep(START) == 0
    assert len(queries) <= 3


def test_task_calls_the_service(world):
    from apcommission import clock

    upload(world, review_on=START + dt.timedelta(days=3), issued_on=dt.date(2025, 12, 1), now=at(START))
    with clock.frozen(at(START)):
        assert send_expiry_reminders() == 1  # expires in 3 days: the manager hears
