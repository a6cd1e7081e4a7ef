"""Attendance alerts on the one escalation engine (issue 11 item 5).

Other modules call the four contract functions (registers_created, registers_changed,
register_submitted, marks_recorded); the alert pages call the rest. The ladders themselves (who
is told, when, in what words) are in attendance.ladders.

Registers hold pupils of several schools, so the ladder's bookkeeping (which schools, their
second-step minutes) reads sessions through the base manager: ids and numbers only, never shown.
Nothing here puts a pupil's name or a reporter's note into a notification.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from apcommission.errors import Refusal
from escalation.models import Escalation
from escalation.services import (
    Start,
    escalation_move,
    escalation_resolve,
    escalation_resolve_many,
    escalation_start,
    escalation_start_many,
    escalation_step_now,
)
from notifications.services import notify
from tenancy.models import Organisation
from tenancy.roles import Role

from .ladders import (
    ATTENDANCE_LADDERS,
    MISSING_REGISTER,
    NOT_ACCOUNTED_FOR,
    load_registers,
    session_words,
)
from .models import AttendanceSettings, ExpectedSession, Mark, NotAccountedFor, Register

log = logging.getLogger(__name__)

DEFAULT_SECOND_STEP_MINUTES = AttendanceSettings._meta.get_field("second_step_minutes").default


# --- The missing-register ladder (contract) ------------------------------------------------------


def _second_step_minutes(register_ids: Iterable[int]) -> dict[int, int]:
    """For each register that holds sessions: the smallest `second_step_minutes` of its schools
    (their own setting, or the default). Two queries however many registers."""
    schools_of: dict[int, set[int]] = defaultdict(set)
    for register_id, school_id in (ExpectedSession._base_manager.filter(register_id__in=list(register_ids))
                                   .values_list("register_id", "school_id").distinct()):
        schools_of[register_id].add(school_id)
    all_schools = set().union(*schools_of.values()) if schools_of else set()
    chosen = dict(AttendanceSettings._base_manager.filter(school_id__in=all_schools)
                  .values_list("school_id", "second_step_minutes"))
    return {register_id: min(chosen.get(pk, DEFAULT_SECOND_STEP_MINUTES) for pk in schools)
            for register_id, schools in schools_of.items()}


def register_anchors(register: Register, *, second_step_minutes: int) -> dict[str, dt.datetime]:
    return {"due": register.due_at, "second": register.due_at + dt.timedelta(minutes=second_step_minutes),
            "session_end": register.ends_at}


def registers_created(registers, *, now: dt.datetime) -> None:
    """New registers: put each on the missing-register ladder (anchors: due_at, due_at + the
    schools' second-step minutes, session end), in one INSERT for the lot. A register already
    submitted, already over or without sessions is left off."""
    pending = [r for r in registers if r.submitted_at is None and r.ends_at > now]
    if not pending:
        return
    minutes = _second_step_minutes(r.pk for r in pending)
    escalation_start_many(
        ladder=MISSING_REGISTER, target_model=Register, now=now,
        starts=[Start(target_id=r.pk, organisation_id=r.provider_id,
                      anchors=register_anchors(r, second_step_minutes=minutes[r.pk]))
                for r in pending if r.pk in minutes])


def registers_changed(register_ids, *, now: dt.datetime) -> None:
    """Registers whose due time or end changed, whose schools changed, or that were deleted (no
    sessions left): move their ladders to the new times (levels already taken stay taken), start
    one where a register now needs it, stop those of registers no longer expected."""
    ids = set(register_ids)
    if not ids:
        return
    registers = Register._base_manager.in_bulk(ids)
    minutes = _second_step_minutes(ids)
    gone = [pk for pk in ids if pk not in registers or pk not in minutes]
    if gone:
        escalation_resolve_many(ladder=MISSING_REGISTER, target_model=Register, target_ids=gone, by=None,
                                note="The register is no longer expected.", now=now)
    live = {pk: register_anchors(r, second_step_minutes=minutes[pk])
            for pk, r in registers.items() if pk in minutes and r.submitted_at is None}
    if live:
        escalation_move(ladder=MISSING_REGISTER, target_model=Register, anchors_by_target=live, now=now)
        registers_created([registers[pk] for pk in live], now=now)  # rows already there are left alone


SUBMITTED_NOTE = "Register submitted."  # the stopped ladder's note (also services._submit_at_once's)


def register_submitted(register, *, by, now: dt.datetime) -> None:
    """The register was submitted: stop its ladder (inside the submitting transaction, in the
    submitter's scope)."""
    escalation_resolve(ladder=MISSING_REGISTER, target=register, by=by, note=SUBMITTED_NOTE, now=now)


# --- Absent and late marks (contract) ----------------------------------------------------------


def marks_recorded(sessions, *, by, now: dt.datetime) -> None:
    """Marks just written (first submission or a correction): absent or late pupils → the school's
    attendance officer, once the transaction commits (urgent: emailed at once whatever their
    digest choice): one notification per school per register per submission, with numbers, never
    names."""
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: {Mark.ABSENT: 0, Mark.LATE: 0})
    facts: dict[int, tuple[int, dt.datetime]] = {}
    for session in sessions:
        if session.mark in (Mark.ABSENT, Mark.LATE):
            counts[(session.school_id, session.register_id)][session.mark] += 1
            facts[session.register_id] = (session.provider_id, session.starts_at)
    if counts:
        transaction.on_commit(functools.partial(_tell_attendance_officers, dict(counts), facts, now), robust=True)


def _tell_attendance_officers(counts, facts, now: dt.datetime) -> None:
    orgs = Organisation.objects.in_bulk({school for school, _ in counts} | {p for p, _ in facts.values()})
    register_type = ContentType.objects.get_for_model(Register)
    for (school_id, register_id), marks in counts.items():
        provider_id, starts_at = facts[register_id]
        school, provider = orgs[school_id], orgs[provider_id]
        parts = [f"{n} pupil{'' if n == 1 else 's'} {label}" for label, n in
                 (("absent", marks[Mark.ABSENT]), ("late", marks[Mark.LATE])) if n]
        what = f"Absence reported: {provider.name}, {session_words(starts_at)} — {', '.join(parts)}"
        notify(organisation=school, roles=[Role.ATTENDANCE_OFFICER], topic="attendance_absence", subject=what,
               body=f"{what} — follow up as your attendance policy says — sign in to see who",
               dedupe_key=f"absence:{register_id}:{school_id}:{now.isoformat()}", now=now,
               link=reverse("attendance:school_attendance", kwargs={"org": school.slug}),
               target=(register_type.pk, register_id), urgent=True)


# --- Not accounted for ---------------------------------------------------------------------------


def session_not_accounted_for(*, session: ExpectedSession, note: str, by, organisation: Organisation,
                              now: dt.datetime) -> NotAccountedFor:
    """Provider staff report a pupil not accounted for: the school's DSL and attendance officer
    and the provider's DSL are told now (urgent), the headteacher 15 minutes later unless someone
    acknowledges. A second report while one is open for the session changes nothing (a double tap)."""
    if session.provider_id != organisation.pk:
        raise Refusal("Only the provider running the session can report a pupil not accounted for.")
    with transaction.atomic():
        open_report = (NotAccountedFor.objects.select_for_update().filter(session=session)
                       .filter(pk__in=_open_targets(NOT_ACCOUNTED_FOR)).first())
        if open_report is not None:
            return open_report
        report = NotAccountedFor.objects.create(session=session, school_id=session.school_id,
                                                provider_id=session.provider_id, note=note.strip(),
                                                reported_at=now, reported_by=by)
        row = escalation_start(ladder=NOT_ACCOUNTED_FOR, target=report, organisation=session.school,
                               other_organisation=session.provider, anchors={"reported": now}, now=now)
        escalation_step_now(escalation_ids=[row.pk], now=now)
    return report


def _open_targets(ladder: str):
    return Escalation._base_manager.filter(ladder=ladder, resolved_at__isnull=True).values("target_id")


# --- Acknowledging and listing --------------------------------------------------------------------


def alert_acknowledge(*, escalation: Escalation, note: str, by, organisation: Organisation,
                      now: dt.datetime) -> None:
    """Someone who can act (school attendance staff, the provider's manager or DSL) has dealt with
    the alert ("phoned: present"): stop the ladder; the note and who stay on the alert."""
    if escalation.ladder not in ATTENDANCE_LADDERS:
        raise Refusal("This is not an attendance alert.")
    note = note.strip()
    if not note:
        raise Refusal("Enter what you did or found out")
    stopped = Escalation.objects.filter(pk=escalation.pk, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=by, resolved_note=note, next_step_at=None)
    if stopped != 1:
        raise Refusal("Someone has already acknowledged this alert.")


@dataclass
class AlertRow:
    escalation: Escalation
    kind: str  # "Register not received" / "Pupil not accounted for"
    provider: str
    when: str
    pupils: list[str]  # names the reader may see (empty if none)
    pupil_count: int
    phone: str
    note: str  # the reporter's note (not accounted for)

    @property
    def is_open(self) -> bool:
        return self.escalation.resolved_at is None


RECENT = dt.timedelta(days=7)


def alerts_for(*, organisation: Organisation, shows_names: bool, now: dt.datetime) -> tuple[list, list]:
    """The organisation's open attendance alerts (oldest first) and those acknowledged or stopped in
    the last week, in the caller's scope. Pupils are those on the register the organisation sees
    (a school its own), named only when `shows_names`. A fixed number of queries."""
    rows = list(Escalation.objects.filter(ladder__in=ATTENDANCE_LADDERS, level__gte=1)  # a step taken: told
                .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=now - RECENT))
                .order_by("started_at", "pk"))
    if not rows:
        return [], []
    resolvers = {u.pk: u for u in _users({r.resolved_by_id for r in rows if r.resolved_by_id})}
    for r in rows:
        r.resolver = resolvers.get(r.resolved_by_id)
    register_ids = [r.target_id for r in rows if r.ladder == MISSING_REGISTER]
    report_ids = [r.target_id for r in rows if r.ladder == NOT_ACCOUNTED_FOR]
    registers = load_registers(register_ids) if register_ids else {}
    reports = NotAccountedFor.objects.select_related("session__provider", "session__pupil").in_bulk(report_ids)
    names: dict[int, list[str]] = defaultdict(list)
    for register_id, pupil in _session_names(register_ids):
        names[register_id].append(pupil)
    out = []
    for r in rows:
        if r.ladder == MISSING_REGISTER and r.target_id in registers:
            facts = registers[r.target_id]
            own = names.get(r.target_id, [])
            count = facts.pupils if organisation.pk == facts.provider.pk else len(own)
            out.append(AlertRow(r, "Register not received", facts.provider.name,
                                session_words(facts.register.starts_at), own if shows_names else [], count,
                                facts.phone, ""))
        elif r.ladder == NOT_ACCOUNTED_FOR and r.target_id in reports:
            report = reports[r.target_id]
            pupil = report.session.pupil
            out.append(AlertRow(r, "Pupil not accounted for", report.session.provider.name,
                                session_words(report.session.starts_at),
                                [f"{pupil.first_name} {pupil.last_name}"] if shows_names else [], 1, "",
                                report.note if shows_names else ""))
    return [a for a in out if a.is_open], [a for a in out if not a.is_open]


def _session_names(register_ids) -> list[tuple[int, str]]:
    rows = (ExpectedSession.objects.filter(register_id__in=register_ids)
            .order_by("pupil__last_name", "pupil__first_name")
            .values_list("register_id", "pupil__first_name", "pupil__last_name"))
    return [(register_id, f"{first} {last}") for register_id, first, last in rows]


def _users(ids):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=ids)


def open_alert(pk: int) -> Escalation:
    """One open attendance alert the organisation in scope sees (Escalation.DoesNotExist if not):
    open, and already sent (a register not yet due is no alert)."""
    return Escalation.objects.get(pk=pk, ladder__in=ATTENDANCE_LADDERS, resolved_at__isnull=True, level__gte=1)


def alert_title(escalation: Escalation) -> str:
    """What the alert is about, for a page title: "Register not received: Pathways Learning Centre,
    Thu 15 Oct, 09:00 session" (no pupil name)."""
    if escalation.ladder == MISSING_REGISTER:
        facts = load_registers([escalation.target_id]).get(escalation.target_id)
        if facts is not None:
            return f"Register not received: {facts.provider.name}, {session_words(facts.register.starts_at)}"
        return "Register not received"
    report = NotAccountedFor.objects.select_related("session__provider").filter(pk=escalation.target_id).first()
    if report is not None:
        return f"Pupil not accounted for: {report.session.provider.name}, {session_words(report.session.starts_at)}"
    return "Pupil not accounted for"
