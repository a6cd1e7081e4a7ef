"""Expiry reminders for documents, DBS checks and safeguarding training on the escalation engine
(providers/ladders.py), with a fixed clock day by day: the 30-day reminder once, "expired" once,
renewal or leaving stops them, re-runs and two sweeps at once never tell anyone twice."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apcommission import clock
from escalation.models import Escalation
from escalation.services import escalation_sweep
from notifications.models import Notification
from providers.ladders import DOCUMENT_EXPIRY, TRAINING_EXPIRY
from providers.models import StaffVetting
from providers.services import staff_save
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.escalation.test_concurrency import run_in_thread

from .conftest import add_staff, manager, upload

START = dt.date(2026, 11, 1)
BACKSTOP = 60  # seconds; only reached if the code under test is broken


def at(day: dt.date) -> dt.datetime:
    """Mid-morning in England: after the day's reminders are due (06:30)."""
    return clock.london(day, dt.time(7, 0))


def sweep(day: dt.date) -> int:
    """Sweep as beat would that morning; returns the notifications it created."""
    before = len(notes())
    with clock.frozen(at(day)):
        escalation_sweep(now=clock.now())
    return len(notes()) - before


def notes(**filters):
    with scopes_disabled():
        return list(Notification.objects.filter(topic="provider_expiry", **filters).order_by("created_at", "pk"))


def subjects_for(user):
    return [n.subject for n in notes(user=user)]


def ladder_rows(ladder, row):
    with scopes_disabled():
        return list(Escalation.objects.filter(ladder=ladder, target_id=row.pk).order_by("pk"))


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
    what = doc.get_kind_display()
    mgr = manager(world)
    for day in range(0, 10):  # more than 30 days out: nothing
        assert sweep(START + dt.timedelta(days=day)) == 0
    assert sweep(START + dt.timedelta(days=10)) == 1  # 30 days before: the provider's manager
    assert subjects_for(mgr) == [f"{what} expires soon"]
    assert notes()[0].body.startswith(f"{what} expires on 11 December 2026. Upload the renewed document")
    for day in range(11, 40):
        assert sweep(START + dt.timedelta(days=day)) == 0  # never twice
    assert sweep(expires) == 4  # expired: manager + school AP lead + LA AP and QA officers
    assert subjects_for(mgr)[-1] == f"{what} has expired"
    [school_note] = notes(user=world.user(K.SCHOOL, Role.AP_LEAD))
    provider = world.org(K.PROVIDER)
    assert school_note.subject == f"{provider.name}: {what[0].lower() + what[1:]} has expired"
    assert school_note.link == f"/o/{world.org(K.SCHOOL).slug}/directory/{provider.pk}/"
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
    assert subjects_for(manager(world)) == [f"{doc.get_kind_display()} has expired"]


def test_running_twice_the_same_day_sends_once(world):
    upload(world, review_on=START + dt.timedelta(days=20), issued_on=dt.date(2025, 12, 1), now=at(START))
    assert sweep(START) == 1
    assert sweep(START) == 0
    assert len(notes()) == 1


def test_renewed_document_stops_the_old_reminders_and_gets_fresh_ones(world):
    old = upload(world, review_on=START + dt.timedelta(days=20), issued_on=dt.date(2025, 12, 1), now=at(START))
    assert sweep(START) == 1
    renewed = upload(world, review_on=START + dt.timedelta(days=25), issued_on=START, now=at(START))
    [old_row] = ladder_rows(DOCUMENT_EXPIRY, old)
    assert old_row.resolved_at == at(START) and old_row.next_step_at is None
    assert sweep(START + dt.timedelta(days=1)) == 1  # the new version's own 30-day reminder
    assert sweep(START + dt.timedelta(days=20)) == 0  # the old version's expiry date: nothing
    assert sweep(START + dt.timedelta(days=25)) == 1 + 2  # the new version expires: manager and LA officers
    assert [r.level for r in ladder_rows(DOCUMENT_EXPIRY, renewed)] == [2]
    assert len(notes(user=manager(world))) == 3


def test_dbs_and_training_reminders_name_the_person_only_to_the_provider(world, signed_off_school):
    # DBS issued 3 years before START + 10 days: re-check due in 10 days. Training (level 2) expired.
    add_staff(world, full_name="Pat Example", dbs_issued_on=dt.date(2023, 11, 11), trained_on=dt.date(2025, 10, 1),
              now=at(START))
    assert sweep(START) == 1 + 1 + 1 + 2  # DBS 30-day (manager); training expired (manager, school, 2 LA)
    assert set(subjects_for(manager(world))) == {"DBS check for Pat Example expires soon",
                                                 "Safeguarding training for Pat Example has expired"}
    school_note = notes(user=world.user(K.SCHOOL, Role.AP_LEAD))[0]
    assert "Pat Example" not in school_note.subject + school_note.body
    assert "a staff member's safeguarding training" in school_note.subject


def test_renewed_training_starts_a_fresh_run(world):
    staff = add_staff(world, dbs_issued_on=dt.date(2026, 1, 10), trained_on=dt.date(2025, 10, 1), now=at(START))
    assert sweep(START) == 1 + 2  # training expired: manager and the LA's officers
    with scopes_disabled():
        staff_save(provider=world.org(K.PROVIDER), staff=staff, by=manager(world), now=at(START),
                   data={"trained_on": START - dt.timedelta(days=1)})
        vetting = StaffVetting.objects.get(staff=staff)
    assert vetting.training_due_on == dt.date(2027, 10, 31)
    [row] = ladder_rows(TRAINING_EXPIRY, vetting)
    assert row.level == 0 and row.next_step_at == clock.london(dt.date(2027, 10, 1), dt.time(6, 30))
    assert sweep(START + dt.timedelta(days=60)) == 0
    assert sweep(dt.date(2027, 10, 1)) == 1  # the renewed training's own 30-day reminder, under a new run


def test_staff_who_left_are_not_reminded(world):
    add_staff(world, dbs_issued_on=dt.date(2023, 11, 11), left_on=START - dt.timedelta(days=1), now=at(START))
    assert sweep(START) == 0
    assert sweep(START + dt.timedelta(days=400)) == 0


def test_leaving_stops_the_reminders(world):
    staff = add_staff(world, dbs_issued_on=dt.date(2023, 11, 11), now=at(START))
    assert sweep(START) == 1  # DBS re-check due in 10 days
    with scopes_disabled():
        staff_save(provider=world.org(K.PROVIDER), staff=staff, by=manager(world), now=at(START),
                   data={"left_on": START})
    assert sweep(START + dt.timedelta(days=30)) == 0


def test_expired_items_of_one_provider_read_its_schools_and_las_once(world, signed_off_school):
    kinds = ("safeguarding", "anti_bullying", "behaviour", "health_safety")
    for kind in kinds:
        upload(world, kind=kind, review_on=START + dt.timedelta(days=3), issued_on=dt.date(2025, 12, 1),
               now=at(START))
    with CaptureQueriesContext(connection) as queries:
        assert sweep(START + dt.timedelta(days=3)) == 4 * 4
    listings = [q for q in queries.captured_queries if "providers_providerlisting" in q["sql"]]
    assert len(listings) == 1


def test_sweep_queries_do_not_grow_with_rows_not_due(world):
    for i in range(30):
        upload(world, kind="safeguarding" if i % 2 else "anti_bullying",
               review_on=dt.date(2028, 1, 1) + dt.timedelta(days=i), issued_on=dt.date(2026, 1, 1), now=at(START))
    with CaptureQueriesContext(connection) as queries, clock.frozen(at(START)):
        assert escalation_sweep(now=clock.now()).stepped == 0
    assert len(queries) <= 3


def test_the_beat_task_sends_the_reminder(world):
    from escalation.tasks import sweep as beat_sweep

    upload(world, review_on=START + dt.timedelta(days=3), issued_on=dt.date(2025, 12, 1), now=at(START))
    with clock.frozen(at(START)):
        assert beat_sweep() == 1  # expires in 3 days: the manager hears
    assert len(notes(user=manager(world))) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_tell_each_person_once(world, signed_off_school, monkeypatch):
    monkeypatch.setattr("notifications.services._enqueue_delivery", lambda: None)  # the sweep is what is tested
    for n in range(8):
        add_staff(world, full_name=f"Staff {n}", dbs_issued_on=dt.date(2023, 11, 11), now=at(START))
    for day in (START, START + dt.timedelta(days=10)):
        barrier, errors = threading.Barrier(2, timeout=BACKSTOP), []

        def both(day=day, barrier=barrier):
            barrier.wait()
            with clock.frozen(at(day)):
                escalation_sweep(now=clock.now(), batch_size=3)

        threads = [run_in_thread(both, errors) for _ in range(2)]
        for thread in threads:
            thread.join(BACKSTOP)
        assert not errors, errors
    mgr = manager(world)
    assert len(notes(user=mgr)) == 8 * 2  # each DBS check: "expires soon", then "has expired"
    assert len(notes(user=world.user(K.SCHOOL, Role.AP_LEAD))) == 8
    with scopes_disabled():
        keys = list(Notification.objects.filter(topic="provider_expiry").values_list("user_id", "dedupe_key"))
    assert len(keys) == len(set(keys))


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_each_watched_item_over_at_the_level_it_reached(world):
    """providers 0005 on a database the old daily sweep ran on: a document whose 30-day reminder
    went (its stored day moved to the expiry date) joins at level 1; a DBS check not yet reminded
    joins at level 0; training whose reminders both went (NULL) gets no row."""
    from django.db.migrations.executor import MigrationExecutor

    from providers.ladders import DBS_EXPIRY

    expires = START + dt.timedelta(days=20)
    doc = upload(world, review_on=expires, issued_on=dt.date(2025, 12, 1), now=at(START))
    staff = add_staff(world, dbs_issued_on=dt.date(2024, 6, 1), trained_on=dt.date(2025, 10, 1), now=at(START))
    with scopes_disabled():
        vetting = StaffVetting.objects.get(staff=staff)
        Escalation.objects.all().delete()  # as before the engine: no ladder rows
    executor = MigrationExecutor(connection)
    executor.migrate([("providers", "0004_suitability_justification")])
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE providers_policydocument SET next_reminder_on = review_on WHERE id = %s", [doc.pk])
            cursor.execute("UPDATE providers_staffvetting SET dbs_next_reminder_on = dbs_due_on - 30, "
                           "training_next_reminder_on = NULL WHERE id = %s", [vetting.pk])
    finally:
        executor = MigrationExecutor(connection)
        # Every app's latest migration, not only this one: going back unapplied the apps that depend
        # on it (safeguarding, monitoring, …), and later tests on this database need their tables.
        executor.migrate(executor.loader.graph.leaf_nodes())
    [doc_row] = ladder_rows(DOCUMENT_EXPIRY, doc)
    assert (doc_row.level, doc_row.next_step_at) == (1, clock.london(expires, dt.time(6, 30)))
    [dbs_row] = ladder_rows(DBS_EXPIRY, vetting)
    assert dbs_row.level == 0
    assert ladder_rows(TRAINING_EXPIRY, vetting) == []
    assert sweep(expires) == 1 + 2  # the document has expired (manager, LA officers): no second "expires soon"
    assert subjects_for(manager(world)) == [f"{doc.get_kind_display()} has expired"]
