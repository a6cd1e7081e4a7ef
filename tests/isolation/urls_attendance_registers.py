"""Isolation specs for taking registers (provider) and known absences (school).

Registers belong to a provider: another provider's register is a 404 from the scoping layer; a
provider role without submit_registers (the provider's safeguarding lead) gets 403, and every school,
trust and LA role 403 (the views are for providers only). A known absence is recorded on a
placement of the school's own pupil: school c's placement through school a is a 404.
"""

from __future__ import annotations

import datetime as dt
import itertools

from tenancy.roles import OrganisationKind as K

from .registry import UrlSpec

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
OPEN_START = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
SUBMITTED_START = dt.datetime(2026, 11, 26, 13, 0, tzinfo=dt.UTC)
_fresh = itertools.count()  # each submitted register its own start: a register is submitted once


def _placement_of(world, side):
    from placements.factories import PupilFactory, placement_in_state

    return placement_in_state(pupil=PupilFactory(school=world.org(K.SCHOOL, side)),
                              provider=world.org(K.PROVIDER, side), state="active", now=NOW)


def _register(world, side, *, starts_at=OPEN_START):
    from attendance.factories import register_with_sessions

    return register_with_sessions(placements=[_placement_of(world, side)], starts_at=starts_at)


def _open_register(world, side):
    return {"pk": _register(world, side).pk}


def _submitted_session(world, side):
    """A session of a submitted register (its marks can be changed with a reason)."""
    import uuid

    from attendance import services
    from attendance.models import ExpectedSession, Mark
    from tenancy.roles import Role
    from tenancy.scoping import scope

    register = _register(world, side, starts_at=SUBMITTED_START + dt.timedelta(days=next(_fresh)))
    staff = world.member(K.PROVIDER, Role.PROVIDER_STAFF, side)
    with scope(organisation=staff.organisation):
        sessions = list(ExpectedSession.objects.filter(register=register))
        services.register_submit(register=register, marks=[services.MarkInput(s.pk, Mark.PRESENT) for s in sessions],
                                 key=uuid.uuid4(), by=staff.user, organisation=staff.organisation, now=NOW)
    return {"pk": register.pk, "spk": sessions[-1].pk}


def _placement(world, side):
    return {"pk": _placement_of(world, side).pk}


URLS = {
    "attendance:register_list": UrlSpec(),
    "attendance:register_detail": UrlSpec(kwargs=_open_register),
    "attendance:mark_change": UrlSpec(kwargs=_submitted_session),
    "attendance:known_absence_record": UrlSpec(kwargs=_placement, school_owned=True),
}
