"""Explicit cross-tenant reads for QA visits: the only place in qa_framework that reads beyond the
reading organisation.

A QA visit judges the provider as a whole, across every school that places pupils there, not only
the schools of the visiting LA. Each function is one or two aggregate queries with scoping switched
off and returns numbers only — never a pupil, a school or a name (tests/qa_framework/test_visit_prefill.py
checks the types).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q

from attendance import rules as attendance_rules
from attendance.models import ExpectedSession, Register
from tenancy.scoping import scopes_disabled


@dataclass(frozen=True)
class RegisterFigures:
    """A provider's registers and attendance over a period, as counts."""

    registers_due: int = 0  # registers whose due time (session start + the SLA's register minutes) has passed
    registers_on_time: int = 0  # of those, submitted by their due time
    sessions_expected: int = 0  # as attendance.rules counts them (a missing register is not attendance)
    sessions_attended: int = 0

    @property
    def timely_percent(self) -> Decimal | None:
        return attendance_rules.percent(self.registers_on_time, self.registers_due)

    @property
    def attendance_percent(self) -> Decimal | None:
        return attendance_rules.percent(self.sessions_attended, self.sessions_expected)


def provider_register_figures(*, provider, first: dt.date, last: dt.date, now: dt.datetime) -> RegisterFigures:
    """Register timeliness and attendance at `provider` for sessions dated `first`..`last`, every
    school's placements counted (two aggregate queries)."""
    expected = attendance_rules.expected_q(now)
    with scopes_disabled():
        registers = Register.objects.filter(provider=provider, date__range=(first, last), due_at__lte=now).aggregate(
            due=Count("pk"), on_time=Count("pk", filter=Q(submitted_at__lte=F("due_at"))))
        sessions = ExpectedSession.objects.filter(provider=provider, date__range=(first, last)).aggregate(
            expected=Count("pk", filter=expected),
            attended=Count("pk", filter=expected & attendance_rules.attended_q()))
    return RegisterFigures(registers_due=registers["due"], registers_on_time=registers["on_time"],
                           sessions_expected=sessions["expected"], sessions_attended=sessions["attended"])
