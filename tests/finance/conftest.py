"""A placement at provider a with a known fortnight of sessions, and an SLA that invoices it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
START, END = dt.date(2026, 11, 2), dt.date(2026, 11, 13)

# (day, hour, mark): 5 attended (present or late), 1 absent, 1 not required, 1 not yet marked, on 5
# distinct days over two weeks; each 3 hours long.
SESSIONS = [
    (dt.date(2026, 11, 2), 9, "present"), (dt.date(2026, 11, 2), 13, "late"), (dt.date(2026, 11, 4), 9, "absent"),
    (dt.date(2026, 11, 5), 9, "present"), (dt.date(2026, 11, 9), 9, "not_required"),
    (dt.date(2026, 11, 10), 9, "present"), (dt.date(2026, 11, 12), 9, "present"), (dt.date(2026, 11, 13), 9, ""),
]
ATTENDED, BOOKED, DAYS_ATTENDED = 5, 7, 4


def add_sessions(placement, sessions=SESSIONS):
    from attendance.factories import register_with_sessions
    from attendance.models import ExpectedSession
    from tenancy.scoping import scopes_disabled

    for day, hour, mark in sessions:
        starts_at = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC)
        register = register_with_sessions(placements=[placement], starts_at=starts_at,
                                          part="am" if hour < 12 else "pm")
        with scopes_disabled():
            extra = {"absence_reason": "ill"} if mark == "absent" else {"minutes_late": 5} if mark == "late" else {}
            ExpectedSession.objects.filter(register=register, placement=placement).update(mark=mark, **extra)


@dataclass
class Books:
    world: object
    placement: object
    sla: object

    def member(self, kind, role, side="a"):
        return self.world.member(kind, role, side)

    @property
    def provider_manager(self):
        return self.world.member(K.PROVIDER, Role.PROVIDER_MANAGER)

    @property
    def finance(self):
        return self.world.member(K.SCHOOL, Role.FINANCE)


def make_books(world, *, rate_unit="session", rate=Decimal("85.00"), vat_rate=Decimal("20.00"), side="a",
               pupil=None):
    from finance.factories import invoiceable_sla
    from placements.factories import placement_in_state

    placement = placement_in_state(pupil=pupil or world.pupils[side], provider=world.org(K.PROVIDER, side),
                                   state="active", now=NOW)
    add_sessions(placement)
    sla = invoiceable_sla(school_member=world.member(K.SCHOOL, Role.AP_LEAD, side),
                          provider_member=world.member(K.PROVIDER, Role.PROVIDER_MANAGER, side),
                          placements=[placement], rate=rate, rate_unit=rate_unit, vat_rate=vat_rate, now=NOW)
    return Books(world, placement, sla)


@pytest.fixture
def books(world):
    return make_books(world)
