"""Expected sessions: generated ahead from each placement's current timetable and its school's
calendar, kept current when either changes (issue 11 item 2).

Other modules call only `placement_sessions_refresh`, `calendar_changed` and `generate_ahead`.

What a placement expects:

* only in the states ACTIVE and EMERGENCY_REVIEW. A SUSPENDED placement expects nothing (the
  lifecycle's suspension tells the provider "the pupil should not attend until the school resumes
  the placement"), and neither do ENDED or not yet started ones. An emergency review is called
  while the pupil still attends; the school suspends the placement if the pupil must stop;
* on every school day (attendance.calendar: term time, half terms, bank holidays, INSET with the
  school's own dates replacing its LA's, the provider's closures) from max(start date, today) to
  min(planned end date, ended on, today + APC_SESSION_HORIZON_DAYS);
* one session per timetable session of the agreed version in force on that day
  (`version_in_force`), starting and ending at the wall-clock times in England, due
  `register minutes` after the start (the SLA in force for the placement, 30 without one), worked
  out in UTC from the aware start.

One engine (`_reconcile`) does the work for a batch of placements in a constant number of queries
(tests/attendance/test_sessions.py counts them): it creates missing sessions (bulk, ignoring
conflicts on (placement, date, part)), updates unmarked future ones whose times, site or due time
changed, deletes unmarked future ones no longer expected, and never touches a marked session or
one that has started. Sessions of one provider that start at the same instant share one Register;
a register's due time is the earliest of its sessions', its end the latest; an unsubmitted register
left without sessions is deleted. New registers go to attendance.alerts.registers_created, changed
or deleted ones to attendance.alerts.registers_changed.

Writes run with scopes disabled: a register is shared by the sessions of several schools, so no one
tenant's scope can keep it right (allow-list: tests/security/test_scopes_disabled_allowlist.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Q

from apcommission import clock
from placements.models import IN_AP_STATES, CommissioningAgreement, Placement, State
from slas.models import ServiceLevelAgreement, SLAStatus
from tenancy.roles import OrganisationKind
from tenancy.scoping import scopes_disabled

from . import alerts
from .calendar import DAY_ROW, TERM_ROW, academic_year_of, days_from_rows
from .models import ExpectedSession, NonTeachingDay, Register, TermDates

log = logging.getLogger(__name__)

# Placement states in which the pupil is expected at the provider (see the module docstring).
EXPECTING_STATES = tuple(s for s in IN_AP_STATES if s != State.SUSPENDED)
DEFAULT_REGISTER_MINUTES = 30
BATCH_SIZE = 500
EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


def horizon_days() -> int:
    return int(getattr(settings, "APC_SESSION_HORIZON_DAYS", 21))


# --- Pure rules ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Version:
    """An agreed version of a placement's agreement: when it took effect and its weekly sessions
    as (weekday, part, start_time, end_time, site)."""

    version: int
    effective_from: dt.date
    sessions: tuple[tuple[int, str, dt.time, dt.time, str], ...]


def version_in_force(versions: Iterable[Version], day: dt.date) -> Version | None:
    """The agreed version with the greatest effective_from on or before `day` (the higher version
    number when two take effect the same day); None before the first."""
    eligible = [v for v in versions if v.effective_from <= day]
    return max(eligible, key=lambda v: (v.effective_from, v.version)) if eligible else None


@dataclass(frozen=True)
class SLAPeriod:
    """A signed (or terminated) SLA covering the placement: in force from `start` to `end`, and
    not after `terminated_on` (slas.cross_tenant.sla_terms_for's rule)."""

    start: dt.date
    end: dt.date
    terminated_on: dt.date | None
    rank: tuple  # (version, signed_at): the newest wins
    minutes: int

    def in_force(self, day: dt.date) -> bool:
        return self.start <= day <= self.end and (self.terminated_on is None or self.terminated_on >= day)


def register_minutes_on(periods: Iterable[SLAPeriod], day: dt.date) -> int:
    """Minutes after the start a register is due on `day`: the SLA in force's, else 30."""
    in_force = [p for p in periods if p.in_force(day)]
    return max(in_force, key=lambda p: p.rank).minutes if in_force else DEFAULT_REGISTER_MINUTES


@dataclass(frozen=True)
class Expected:
    """One session a placement expects (what an ExpectedSession row should hold)."""

    date: dt.date
    part: str
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime  # UTC
    due_at: dt.datetime  # UTC
    site: str


def expected_sessions(*, days: Iterable[dt.date], versions: Sequence[Version],
                      sla_periods: Sequence[SLAPeriod]) -> list[Expected]:
    """The sessions expected on `days` (school days already filtered by the calendar)."""
    wanted = []
    for day in days:
        version = version_in_force(versions, day)
        if version is None:
            continue
        minutes = None
        for weekday, part, start, end, site in version.sessions:
            if weekday != day.weekday():
                continue
            if minutes is None:
                minutes = register_minutes_on(sla_periods, day)
            starts_at = clock.london(day, start).astimezone(dt.UTC)
            wanted.append(Expected(day, part, starts_at, clock.london(day, end).astimezone(dt.UTC),
                                   starts_at + dt.timedelta(minutes=minutes), site))
    return wanted


def date_range(*, start_date: dt.date | None, planned_end_date: dt.date | None, ended_on: dt.date | None,
               today: dt.date, horizon: int) -> tuple[dt.date, dt.date] | None:
    """From max(start date, today) to min(planned end, ended on, today + horizon); None if empty
    (or no start date)."""
    if start_date is None:
        return None
    first = max(start_date, today)
    last = min(d for d in (planned_end_date, ended_on, today + dt.timedelta(days=horizon)) if d is not None)
    return (first, last) if first <= last else None


# --- The engine ----------------------------------------------------------------------------

@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    registers_created: int = 0
    registers_changed: int = 0

    def add(self, other: Outcome) -> None:
        for name in ("created", "updated", "deleted", "registers_created", "registers_changed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


PLACEMENT_FIELDS = ("pk", "pupil_id", "school_id", "provider_id", "state", "start_date", "planned_end_date",
                    "ended_on", "school__local_authority_id")
SESSION_FIELDS = ("starts_at", "ends_at", "due_at", "site", "register_id")


def _reconcile(placement_ids: Sequence[int], *, now: dt.datetime) -> Outcome:
    """Bring the expected sessions of these placements (one batch) up to date, in one transaction
    and a constant number of queries."""
    today = now.astimezone(clock.LONDON).date()
    horizon = horizon_days()
    with scopes_disabled(), transaction.atomic():
        placements = list(Placement.objects.filter(pk__in=placement_ids).values(*PLACEMENT_FIELDS))
        ranges = {}
        for p in placements:
            if p["state"] in EXPECTING_STATES:
                span = date_range(start_date=p["start_date"], planned_end_date=p["planned_end_date"],
                                  ended_on=p["ended_on"], today=today, horizon=horizon)
                if span:
                    ranges[p["pk"]] = span
        wanted = _wanted(placements, ranges) if ranges else {}
        existing = {
            (row["placement_id"], row["date"], row["part"]): row
            for row in ExpectedSession.objects.filter(placement_id__in=placement_ids, date__gte=today).values(
                "pk", "placement_id", "date", "part", "mark", *SESSION_FIELDS)
        }
        return _apply(placements, wanted, existing, now=now)


def _wanted(placements: list[dict], ranges: dict[int, tuple[dt.date, dt.date]]) -> dict[tuple, Expected]:
    """(placement_id, date, part) → Expected, for the placements with a date range (5 queries)."""
    ids = list(ranges)
    first = min(start for start, _ in ranges.values())
    last = max(end for _, end in ranges.values())
    versions: dict[int, list[Version]] = defaultdict(list)
    agreed = (CommissioningAgreement.objects.filter(placement_id__in=ids, school_agreed_at__isnull=False,
                                                    provider_agreed_at__isnull=False)
              .prefetch_related("sessions").order_by("placement_id", "version"))
    for agreement in agreed:
        effective = agreement.effective_from or (agreement.start_date if agreement.version == 1 else None)
        if effective is None:
            continue
        versions[agreement.placement_id].append(Version(agreement.version, effective, tuple(
            (s.weekday, s.part, s.start_time, s.end_time, s.site) for s in agreement.sessions.all())))
    by_pk = {p["pk"]: p for p in placements if p["pk"] in ranges}
    schools = {p["school_id"] for p in by_pk.values()}
    las = {p["school__local_authority_id"] for p in by_pk.values()} - {None}
    providers = {p["provider_id"] for p in by_pk.values()}
    years = range(academic_year_of(first), academic_year_of(last) + 1)
    term_rows = list(TermDates.objects.filter(organisation_id__in=schools | las, academic_year__in=years)
                     .values_list(*TERM_ROW))
    day_rows = list(NonTeachingDay.objects.filter(organisation_id__in=schools | las | providers,
                                                  date__range=(first, last)).values_list(*DAY_ROW))
    periods: dict[int, list[SLAPeriod]] = defaultdict(list)
    slas = (ServiceLevelAgreement.objects.filter(
        placements__in=ids, status__in=[SLAStatus.SIGNED, SLAStatus.TERMINATED], start_date__lte=last,
        end_date__gte=first).values_list("placements", "start_date", "end_date", "terminated_on", "version",
                                         "signed_at", "register_deadline_minutes"))
    for placement_id, start, end, terminated_on, version, signed_at, minutes in slas:
        periods[placement_id].append(SLAPeriod(start, end, terminated_on, (version, signed_at or EPOCH), minutes))
    wanted = {}
    for pk, (start, end) in ranges.items():
        p = by_pk[pk]
        days = days_from_rows(start, end, school_id=p["school_id"], la_id=p["school__local_authority_id"],
                              provider_id=p["provider_id"], term_rows=term_rows, day_rows=day_rows)
        for e in expected_sessions(days=days, versions=versions[pk], sla_periods=periods[pk]):
            wanted[(pk, e.date, e.part)] = e
    return wanted


def _apply(placements: list[dict], wanted: dict[tuple, Expected], existing: dict[tuple, dict], *,
           now: dt.datetime) -> Outcome:
    outcome = Outcome()
    by_pk = {p["pk"]: p for p in placements}
    open_rows = {key: row for key, row in existing.items() if row["mark"] == "" and row["starts_at"] > now}
    to_delete = [row for key, row in open_rows.items() if key not in wanted]
    to_update = []
    to_create = []
    for key, e in wanted.items():
        if e.starts_at <= now:
            continue  # a session that has started is never created or changed afterwards
        row = existing.get(key)
        if row is None:
            to_create.append((key, e))
        elif key in open_rows and (row["starts_at"], row["ends_at"], row["due_at"], row["site"]) != (
                e.starts_at, e.ends_at, e.due_at, e.site):
            to_update.append((row, e))
    if not (to_delete or to_update or to_create):
        return outcome
    touched: set[int] = {row["register_id"] for row in to_delete} | {row["register_id"] for row, _ in to_update}
    # Registers: one per (provider, start). Find those that exist, create the rest (bulk).
    needed: dict[tuple[int, dt.datetime], list[Expected]] = defaultdict(list)
    for (pk, *_), e in to_create:
        needed[(by_pk[pk]["provider_id"], e.starts_at)].append(e)
    for row, e in to_update:
        needed[(by_pk[row["placement_id"]]["provider_id"], e.starts_at)].append(e)
    registers = _registers_for(needed)
    new_ids = {r.pk for r in registers.values() if getattr(r, "_new", False)}
    sessions = []
    for (pk, date, part), e in to_create:
        p = by_pk[pk]
        register = registers[(p["provider_id"], e.starts_at)]
        sessions.append(ExpectedSession(
            placement_id=pk, pupil_id=p["pupil_id"], school_id=p["school_id"], provider_id=p["provider_id"],
            register=register, date=date, part=part, starts_at=e.starts_at, ends_at=e.ends_at, due_at=e.due_at,
            site=e.site))
        touched.add(register.pk)
    ExpectedSession.objects.bulk_create(sessions, ignore_conflicts=True)
    outcome.created = len(sessions)
    for row, e in to_update:  # rare (a timetable or SLA change): one conditional UPDATE each
        register = registers[(by_pk[row["placement_id"]]["provider_id"], e.starts_at)]
        outcome.updated += ExpectedSession.objects.filter(pk=row["pk"], mark="").update(
            starts_at=e.starts_at, ends_at=e.ends_at, due_at=e.due_at, site=e.site, register=register)
        touched.add(register.pk)
    if to_delete:
        outcome.deleted, _ = ExpectedSession.objects.filter(
            pk__in=[row["pk"] for row in to_delete], mark="", starts_at__gt=now).delete()
    changed, deleted = _settle_registers(touched, new_ids)
    created = [r for r in Register.objects.filter(pk__in=new_ids)] if new_ids else []
    outcome.registers_created, outcome.registers_changed = len(created), len(changed) + len(deleted)
    if created:
        alerts.registers_created(created, now=now)
    if changed or deleted:
        alerts.registers_changed(sorted(changed | deleted), now=now)
    return outcome


def _registers_for(needed: dict[tuple[int, dt.datetime], list[Expected]]) -> dict[tuple, Register]:
    """The register of each (provider, start): existing ones, then the missing ones created in
    bulk (ignoring a concurrent creation) and read back. New ones are marked `_new`."""
    if not needed:
        return {}
    providers = {provider for provider, _ in needed}
    starts = {start for _, start in needed}

    def read():
        return {(r.provider_id, r.starts_at): r
                for r in Register.objects.filter(provider_id__in=providers, starts_at__in=starts)
                if (r.provider_id, r.starts_at) in needed}

    found = read()
    missing = [key for key in needed if key not in found]
    if missing:
        Register.objects.bulk_create([
            Register(provider_id=provider, starts_at=start, date=start.astimezone(clock.LONDON).date(),
                     ends_at=max(e.ends_at for e in needed[(provider, start)]),
                     due_at=min(e.due_at for e in needed[(provider, start)]))
            for provider, start in missing], ignore_conflicts=True)
        found = read()
        for key in missing:
            found[key]._new = True
    return found


def _settle_registers(register_ids: set[int], new_ids: set[int]) -> tuple[set[int], set[int]]:
    """Each touched register's due time = its sessions' earliest, end = their latest; an unsubmitted
    register left without sessions is deleted. Returns (changed ids, deleted ids), new ones left out."""
    if not register_ids:
        return set(), set()
    spans = {row["register_id"]: row for row in ExpectedSession.objects.filter(register_id__in=register_ids)
             .values("register_id").annotate(due=Min("due_at"), end=Max("ends_at"))}
    changed = []
    for register in Register.objects.filter(pk__in=register_ids):
        span = spans.get(register.pk)
        if span and (register.due_at, register.ends_at) != (span["due"], span["end"]):
            register.due_at, register.ends_at = span["due"], span["end"]
            changed.append(register)
    if changed:
        Register.objects.bulk_update(changed, ["due_at", "ends_at"])
    empty = set(register_ids) - set(spans)
    deleted = set()
    if empty:
        doomed = Register.objects.filter(pk__in=empty, submitted_at__isnull=True).exclude(
            Exists(ExpectedSession.objects.filter(register=OuterRef("pk"))))
        deleted = set(doomed.values_list("pk", flat=True))
        if deleted:
            Register.objects.filter(pk__in=deleted).delete()
    return {r.pk for r in changed} - new_ids, deleted - new_ids


def _in_batches(ids: Iterable[int], *, now: dt.datetime) -> Outcome:
    total = Outcome()
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == BATCH_SIZE:
            total.add(_reconcile(batch, now=now))
            batch = []
    if batch:
        total.add(_reconcile(batch, now=now))
    return total


def _candidates(today: dt.date) -> Q:
    """Placements whose sessions may need work: those expecting sessions, and those still holding
    unmarked sessions from today on (ended or suspended since)."""
    pending = ExpectedSession.objects.filter(placement=OuterRef("pk"), date__gte=today, mark="")
    return Q(state__in=EXPECTING_STATES) | Q(Exists(pending))


# --- Entry points --------------------------------------------------------------------------

def sessions_refresh(placement_ids: Iterable[int], *, now: dt.datetime) -> int:
    """Bring these placements' sessions up to date as of `now` (from that day to the horizon); the
    demo uses an earlier `now` to give placements their past weeks. Returns the sessions created."""
    with scopes_disabled():
        return _in_batches(list(placement_ids), now=now).created


def placement_sessions_refresh(*, placement, now: dt.datetime) -> None:
    """After a placement's timetable, agreed version or state changed: add the sessions it now
    expects from today (in England) up to the generation horizon, delete unmarked ones it no longer
    expects, never touch a marked one."""
    _reconcile([placement.pk], now=now)


def calendar_changed(*, organisation, now: dt.datetime) -> None:
    """After term dates or non-teaching days of `organisation` (LA, school or provider) changed:
    refresh the sessions of every placement whose calendar that is."""
    by_kind = {
        OrganisationKind.LOCAL_AUTHORITY: Q(school__local_authority=organisation),
        OrganisationKind.SCHOOL: Q(school=organisation),
        OrganisationKind.PROVIDER: Q(provider=organisation),
    }
    rule = by_kind.get(organisation.kind)
    if rule is None:
        return
    today = now.astimezone(clock.LONDON).date()
    with scopes_disabled():
        ids = list(Placement.objects.filter(rule).filter(_candidates(today)).order_by("pk")
                   .values_list("pk", flat=True))
    _in_batches(ids, now=now)


def generate_ahead(*, now: dt.datetime) -> int:
    """The beat job: make sure every active placement has its sessions up to the horizon. Returns
    how many sessions it created."""
    today = now.astimezone(clock.LONDON).date()
    with scopes_disabled():
        ids = list(Placement.objects.filter(_candidates(today)).order_by("pk").values_list("pk", flat=True))
    return _in_batches(ids, now=now).created


def placements_changed(sender=None, *, placement_ids: Sequence[int], now: dt.datetime, **kwargs) -> None:
    """Receiver of placements.signals.sessions_may_have_changed (after commit). A failure is
    logged, not raised: the change itself is saved, and the daily job brings the sessions up to date.

    The refresh runs from the later of the change's `now` and the clock's: a change recorded with
    an earlier instant (a back-dated step, the demo walking placements through past weeks) must not
    rewrite sessions that have started since."""
    try:
        _in_batches(placement_ids, now=max(now, clock.now()))
    except Exception:
        log.exception("expected sessions not refreshed for placements %s; the daily job will", placement_ids)
