"""Test data for attendance: registers and expected sessions written directly (placements still
come from placements.factories.placement_in_state, which runs the real lifecycle)."""

from __future__ import annotations

import datetime as dt

from tenancy.scoping import scopes_disabled

from .models import ExpectedSession, Register


def register_with_sessions(*, placements, starts_at: dt.datetime, minutes: int = 30,
                           length: dt.timedelta = dt.timedelta(hours=3), part: str = "am",
                           site: str = "") -> Register:
    """One register of the placements' provider starting at `starts_at` (aware), with one expected
    session per placement, due `minutes` after the start."""
    from apcommission.clock import LONDON

    placements = list(placements)
    provider = placements[0].provider
    with scopes_disabled():
        register, _ = Register.objects.get_or_create(
            provider=provider, starts_at=starts_at,
            defaults={"date": starts_at.astimezone(LONDON).date(), "ends_at": starts_at + length,
                      "due_at": starts_at + dt.timedelta(minutes=minutes)})
        for placement in placements:
            ExpectedSession.objects.create(
                placement=placement, pupil_id=placement.pupil_id, school_id=placement.school_id,
                provider=provider, register=register, date=register.date, part=part, starts_at=starts_at,
                ends_at=starts_at + length, due_at=starts_at + dt.timedelta(minutes=minutes), site=site)
    return register
