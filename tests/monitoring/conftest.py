"""A calendar for visits across a half-term boundary, with a school that overrides its LA's dates.

LA a's autumn term 2026 runs 1 September to Friday 18 December (half term 26-30 October); school a
sets its own dates for 2026/27: autumn 2 September to Wednesday 16 December, half term 19-30
October; spring 5 January to 26 March 2027, half term 15-19 February. So school a's second autumn
window is Saturday 31 October to Wednesday 16 December (33 school days from Monday 2 November), and the next window starts
on Tuesday 5 January.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection, connections

from apcommission import clock
from attendance.models import Term, TermDates
from escalation.services import escalation_sweep
from monitoring import services
from notifications.models import Notification
from placements.factories import PupilFactory, placement_in_state
from placements.models import Placement
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

D = dt.date
WORLD_NOW = dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC)
WINDOW = (D(2026, 10, 31), D(2026, 12, 16))  # from the day after half term
REMINDER = clock.london(D(2026, 12, 2), dt.time(7, 0))  # 10 school days before 16 December
OVERDUE = clock.london(D(2026, 12, 16), dt.time(7, 0))  # the window's last school day (the LA's would be the 18th)
HEAD = clock.london(D(2027, 1, 11), dt.time(7, 0))  # the 5th school day of the spring term
OPENING = clock.london(D(2026, 11, 25), dt.time(5, 30))


def term(org, year, name, start, end, half=(None, None)):
    with scopes_disabled():
        return TermDates.objects.create(organisation=org, academic_year=year, term=name, start_date=start,
                                        end_date=end, half_term_start=half[0], half_term_end=half[1])


def calendars(world, side="a"):
    la, school = world.org(K.LOCAL_AUTHORITY, side), world.org(K.SCHOOL, side)
    term(la, 2026, Term.AUTUMN, D(2026, 9, 1), D(2026, 12, 18), (D(2026, 10, 26), D(2026, 10, 30)))
    term(la, 2026, Term.SPRING, D(2027, 1, 4), D(2027, 3, 26), (D(2027, 2, 15), D(2027, 2, 19)))
    term(school, 2026, Term.AUTUMN, D(2026, 9, 2), D(2026, 12, 16), (D(2026, 10, 19), D(2026, 10, 30)))
    term(school, 2026, Term.SPRING, D(2027, 1, 5), D(2027, 3, 26), (D(2027, 2, 15), D(2027, 2, 19)))


START = D(2026, 9, 7)


def place(world, side="a", *, start=START, pupil=None):
    return placement_in_state(pupil=pupil or world.pupils[side], provider=world.org(K.PROVIDER, side),
                              state="active", now=WORLD_NOW, start=start)


def set_owner(world, placement, role=Role.PASTORAL, side="a"):
    school = world.org(K.SCHOOL, side)
    with scope(organisation=school):
        services.visit_owner_set(placement=placement, owner=world.user(K.SCHOOL, role, side),
                                 by=world.user(K.SCHOOL, Role.AP_LEAD, side), organisation=school, now=OPENING)


@pytest.fixture
def placed(world):
    calendars(world)
    world.placements["a"] = place(world)
    set_owner(world, world.placements["a"])
    return world


# --- What the visit and termly-report ladders' tests share ----------------------------------------

MIN = dt.timedelta(minutes=1)
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")


def sweep(at):
    with clock.frozen(at):
        return escalation_sweep(now=clock.now())


def people_told(topic) -> Counter:
    """How many notifications of `topic` each person has had, by the local part of their email."""
    with scopes_disabled():
        return Counter(e.split("@")[0] for e in Notification.objects.filter(topic=topic)
                       .values_list("user__email", flat=True))


def climb(at, topic, *, again=MIN) -> tuple[Counter, Counter]:
    """Who had been told a minute before `at`, and who has after a sweep at `at` and another `again`
    later (a re-run that must tell nobody twice)."""
    sweep(at - MIN)
    before = people_told(topic)
    sweep(at)
    sweep(at + again)
    return before, people_told(topic)


def leave_ap(placement, on):
    with scopes_disabled():
        Placement.objects.filter(pk=placement.pk).update(state="ended", ended_on=on, end_reason="completed")


def held_placements(world, count):
    """`count` placements at school a, for the tests of two jobs at once."""
    calendars(world)
    for n in range(count):
        place(world, pupil=PupilFactory(school=world.org(K.SCHOOL), first_name=f"Held{n}"))


BACKSTOP = 60  # seconds; reached only when the code under test is broken


def twice_at_once(call) -> list[BaseException]:
    """Run `call` in two threads released together (each with its own connection); the errors raised."""
    barrier, errors = threading.Barrier(2, timeout=BACKSTOP), []

    def body():
        try:
            barrier.wait()
            call()
        except BaseException as exc:  # reported to the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BACKSTOP)
    return errors
