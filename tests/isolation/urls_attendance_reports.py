"""Isolation specs of the school's attendance pages (attendance/urls_reports.py)."""

import datetime as dt

from tenancy.roles import OrganisationKind as K

from .registry import UrlSpec

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _placement(world, side):
    """An active placement of this side's school at this side's provider (built once per side)."""
    from placements.factories import placement_in_state

    if side == "c":
        return world.placements["c"]
    if side not in world.placements:
        world.placements[side] = placement_in_state(pupil=world.pupils[side], provider=world.org(K.PROVIDER, side),
                                                    state="active", now=NOW)
    return world.placements[side]


def _placement_kwargs(world, side):
    return {"pk": _placement(world, side).pk}


def _absent_session(world, side):
    """An absent session of the side's placement: the school may choose its code."""
    from attendance.factories import register_with_sessions
    from attendance.models import ExpectedSession
    from tenancy.scoping import scopes_disabled

    placement, starts_at = _placement(world, side), NOW - dt.timedelta(days=1)
    with scopes_disabled():
        session = ExpectedSession.objects.filter(placement=placement, starts_at=starts_at).first()
        if session is None:  # built once per side, reused by later requests
            register = register_with_sessions(placements=[placement], starts_at=starts_at)
            session = register.sessions.get(placement=placement)
            session.mark, session.absence_reason = "absent", "ill"
            session.save()
    return {"pk": session.pk}


URLS = {
    "attendance:school_attendance": UrlSpec(),
    "attendance:placement_attendance": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "attendance:session_code": UrlSpec(kwargs=_absent_session, school_owned=True),
    "attendance:export": UrlSpec(),
}
