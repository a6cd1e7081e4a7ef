"""Isolation specs for the attendance alert URLs (issue 11 item 5).

Each object is a register (or a session on one) of the side's provider holding a session of the
side's school: another provider's, or a register without one of the school's pupils, is 404 —
including school c's register at the shared provider a for school a (school-owned).
"""

from __future__ import annotations

import datetime as dt
import itertools

from tenancy.roles import OrganisationKind as K

from .registry import UrlSpec

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
_days = itertools.count(1)


def _placement(world, side):
    from placements.factories import placement_in_state

    if side not in world.placements:
        world.placements[side] = placement_in_state(pupil=world.pupils[side], provider=world.org(K.PROVIDER, side),
                                                    state="active", now=NOW)
    return world.placements[side]


def _register(world, side):
    """A new register of the side's provider, in the future, on the missing-register ladder."""
    from apcommission import clock
    from attendance import alerts
    from attendance.factories import register_with_sessions

    day = clock.now().astimezone(clock.LONDON).date() + dt.timedelta(days=next(_days))
    register = register_with_sessions(placements=[_placement(world, side)],
                                      starts_at=clock.london(day, dt.time(9, 0)))
    alerts.registers_created([register], now=clock.now())
    return register


def _open_alert(world, side):
    from escalation.models import Escalation
    from escalation.services import escalation_sweep
    from tenancy.scoping import scopes_disabled

    register = _register(world, side)
    escalation_sweep(now=register.due_at)  # its first step taken: the school has been told
    with scopes_disabled():
        return {"pk": Escalation.objects.get(ladder="missing_register", target_id=register.pk).pk}


def _resolved_at(world, kwargs):
    from escalation.models import Escalation

    return Escalation.objects.filter(pk=kwargs["pk"]).values_list("resolved_at", flat=True).get()


def _session(world, side):
    register = _register(world, side)
    return {"pk": register.sessions.model._base_manager.filter(register=register).values_list("pk", flat=True)[0]}


def _reports(world, kwargs):
    from attendance.models import NotAccountedFor

    return NotAccountedFor.objects.filter(session_id=kwargs["pk"]).count()


URLS = {
    "attendance:alerts": UrlSpec(),
    "attendance:alert_acknowledge": UrlSpec(kwargs=_open_alert, method="post", ok_status=302, state=_resolved_at,
                                            data=lambda world, side: {"note": "Phoned: present"}, school_owned=True),
    "attendance:session_not_accounted_for": UrlSpec(kwargs=_session, method="post", ok_status=302, state=_reports,
                                                    data=lambda world, side: {"note": "Not back from lunch"},
                                                    school_owned=True),
}
