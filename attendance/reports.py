"""What the school sees of attendance: selectors for its pages, the CSV an MIS imports, the weekly
summary and the dashboard figures, and the one write (the school's own code for an absence).

Every read runs inside the caller's scope (tenancy.scoping): a school reads its own placements and
sessions, a trust its schools'. Counting is done in the database with the filters of
attendance.rules, so a list of 5 placements and one of 50 cost the same number of queries. What a
member may read of the pupil (name, UPN) comes from the visibility table through
placements.selectors, never from a view or template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, IntegerField, Q, Value
from django.db.models.functions import Coalesce, TruncWeek

from apcommission.errors import Refusal
from placements import selectors as placement_selectors
from placements.models import IN_AP_STATES, Placement
from tenancy.models import AuditAction
from tenancy.services import audit_record
from tenancy.visibility import DataGroup

from . import rules
from .models import ExpectedSession, Register

BELOW_TARGET = "below_target"  # ?queue= of the attendance page: the dashboard figure's list
PLACEMENT_PAGE_SIZE = 50
SESSION_PAGE_SIZE = 50


# --- Placements and their figures ------------------------------------------------------------

def _figure_annotations(now: dt.datetime, prefix: str = "expected_sessions__") -> dict:
    expected = rules.expected_q(now, prefix)
    return {"expected": Count(f"{prefix}pk", filter=expected),
            "attended": Count(f"{prefix}pk", filter=expected & rules.attended_q(prefix))}


def _target():
    """The placement's school's below-target line (its settings row, else the default)."""
    return Coalesce(F("school__attendance_settings__target_percent"), Value(rules.DEFAULT_TARGET),
                    output_field=IntegerField())


def placement_figures(*, now: dt.datetime, queue: str = ""):
    """The live placements (in AP) the organisation sees, each with `attended`, `expected` and its
    school's `target` (rules.DEFAULT_TARGET without settings), in one query; `queue=BELOW_TARGET`
    keeps those strictly below their school's target (the dashboard figure counts exactly these)."""
    qs = (Placement.objects.filter(state__in=IN_AP_STATES)
          .select_related("pupil", "school", "provider")
          .annotate(**_figure_annotations(now), target=_target())
          .order_by("pupil__last_name", "pupil__first_name", "pk"))
    if queue == BELOW_TARGET:
        qs = (qs.annotate(attended_x100=F("attended") * 100, target_line=F("target") * F("expected"))
              .filter(expected__gt=0, attended_x100__lt=F("target_line")))
    return qs


def below_target_count(*, now: dt.datetime) -> int:
    return placement_figures(now=now, queue=BELOW_TARGET).count()


def figures_of(placement) -> rules.Figures:
    """The annotated counts of a placement from placement_figures()."""
    return rules.Figures(attended=placement.attended, expected=placement.expected, target=placement.target)


@dataclass
class PlacementRow:
    placement: Placement
    label: object  # placements.selectors.PupilLabel
    figures: rules.Figures


def placement_rows(placements, membership) -> list[PlacementRow]:
    return [PlacementRow(p, placement_selectors.list_label(p, membership), figures_of(p)) for p in placements]


# --- Sessions ----------------------------------------------------------------------------------

@dataclass
class SessionRow:
    session: ExpectedSession
    label: object  # PupilLabel
    code: rules.SchoolCode
    can_choose_code: bool


def session_rows(sessions, membership, *, now: dt.datetime) -> list[SessionRow]:
    """Each session with its pupil's label for this member and the school's code (no query per row)."""
    rows = []
    for s in sessions:
        rows.append(SessionRow(s, placement_selectors.list_label(s.placement, membership),
                               rules.school_code(s, s.placement, now=now), rules.can_choose_code(s, s.placement)))
    return rows


def _sessions():
    return ExpectedSession.objects.select_related("placement", "placement__pupil", "provider")


def week_sessions(*, first: dt.date, last: dt.date, membership, now: dt.datetime) -> list[SessionRow]:
    """The sessions of live placements from `first` to `last`, by pupil then time: one query."""
    sessions = (_sessions().filter(date__range=(first, last), placement__state__in=IN_AP_STATES)
                .order_by("placement__pupil__last_name", "placement__pupil__first_name", "placement_id", "starts_at"))
    return session_rows(sessions, membership, now=now)


def placement_session_list(placement):
    return _sessions().filter(placement=placement).order_by("-starts_at", "-pk")


def placement_get(pk: int) -> Placement:
    """A placement the organisation sees (any state), with its school's `target`."""
    return Placement.objects.select_related("pupil", "school", "provider").annotate(target=_target()).get(pk=pk)


def placement_figures_for(placement, *, now: dt.datetime) -> rules.Figures:
    """The placement's own figures (`placement` from placement_get)."""
    counts = ExpectedSession.objects.filter(placement=placement).aggregate(**_figure_annotations(now, ""))
    return rules.Figures(counts["attended"], counts["expected"], placement.target)


def figures_by_placement(placement_ids, *, now: dt.datetime) -> dict[int, rules.Figures]:
    """Each placement's own figures with its school's target, for any number of placements the
    organisation sees (any state): one query (the placement record across a pupil's placements)."""
    rows = (Placement.objects.filter(pk__in=list(placement_ids))
            .annotate(**_figure_annotations(now), target=_target()).values("pk", "attended", "expected", "target"))
    return {r["pk"]: rules.Figures(r["attended"], r["expected"], r["target"]) for r in rows}


def pupil_figures_for(placement, *, now: dt.datetime) -> rules.Figures:
    """Every AP session of the placement's pupil (all their placements the organisation sees)."""
    counts = ExpectedSession.objects.filter(pupil_id=placement.pupil_id).aggregate(**_figure_annotations(now, ""))
    return rules.Figures(counts["attended"], counts["expected"], placement.target)


def placement_weeks(placement, *, now: dt.datetime) -> list[rules.WeekFigure]:
    """Week by week from the placement's first session to this week (or its last session)."""
    rows = (ExpectedSession.objects.filter(placement=placement)
            .annotate(week=TruncWeek("date")).values("week")
            .annotate(**_figure_annotations(now, "")).order_by("week"))
    counts = {_as_date(r["week"]): (r["attended"], r["expected"]) for r in rows}
    if not counts:
        return []
    today = now.astimezone(_london()).date()
    last = min(max(counts), rules.week_start(today)) if min(counts) <= today else max(counts)
    return rules.week_buckets(counts, first=min(counts), last=last)


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _london():
    from apcommission.clock import LONDON

    return LONDON


# --- The school's own code for an absence ------------------------------------------------------

def school_code_set(*, session: ExpectedSession, code: str, by, organisation, now: dt.datetime) -> ExpectedSession:
    """The school records the code its register carries for an absence at the provider (one of
    rules.AbsenceCode). Audited in the school's log (old → new). Refused (nothing changes) for a
    session that is not an absence, a dual-registered pupil's, or another school's."""
    if code not in rules.AbsenceCode.values:
        raise Refusal("Choose a code from the list")
    with transaction.atomic():
        session = (ExpectedSession.objects.select_for_update(of=("self",)).select_related("placement")
                   .get(pk=session.pk))
        if session.school_id != organisation.pk:
            raise Refusal("Only the pupil's school records its register code")
        if not rules.can_choose_code(session, session.placement):
            raise Refusal("The school chooses a code only for a session the provider marked absent"
                          if session.mark != "absent" else
                          "The pupil is dual registered: the other school records the absence")
        old = session.school_code or rules.AbsenceCode.N
        session.school_code = code
        session.save(update_fields=["school_code"])
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=session,
                     detail=f"School register code {old} → {code} ({session.date:%Y-%m-%d} {session.part})")
    return session


# --- The CSV an MIS imports ------------------------------------------------------------------

CSV_HEADER = ("date", "session", "upn", "code", "minutes_late")


def export_rows(*, first: dt.date, last: dt.date, membership, now: dt.datetime) -> Iterator[tuple]:
    """(date, AM/PM, UPN, code, minutes late) for every session of the organisation's pupils from
    `first` to `last` that has a code: not-required sessions and registers not due yet are left
    out; an all-day session gives an AM and a PM row. The UPN is given only to a member whose role
    reads the pupil's identity (tenancy.visibility); otherwise the column is empty. Streams in
    chunks (one query per 2,000 sessions)."""
    sessions = (ExpectedSession.objects.filter(date__range=(first, last))
                .exclude(mark="not_required")
                .filter(Q(mark__in=rules.MARKED) | Q(due_at__lte=now))
                .select_related("placement", "pupil")
                .only("date", "part", "mark", "minutes_late", "school_code", "due_at",
                      "placement__registration_code", "pupil__upn", "pupil__school_id")
                .order_by("date", "starts_at", "pupil__upn", "pk"))
    for s in sessions.iterator(chunk_size=2000):
        code = rules.school_code(s, s.placement, now=now)
        reads_identity = placement_selectors.pupil_reader(s.pupil, membership).can(DataGroup.IDENTITY)
        for part in rules.register_parts(s.part):
            yield (s.date.isoformat(), part, s.pupil.upn if reads_identity else "", code.code,
                   code.minutes_late if code.minutes_late else "")


# --- Dashboard and weekly summary figures ------------------------------------------------------

def registers_due_today(*, today: dt.date) -> int:
    """The provider's registers of today not yet submitted (in the provider's scope)."""
    return Register.objects.filter(date=today, submitted_at__isnull=True).count()


@dataclass(frozen=True)
class WeeklySummary:
    first: dt.date
    last: dt.date
    below_target: int  # live placements below the school's target (to date)
    sessions_missed: int  # expected last week and not attended (absences and registers not received)
    registers_late: int  # registers with last week's sessions submitted after their due time, or not at all

    @property
    def empty(self) -> bool:
        return not (self.below_target or self.sessions_missed or self.registers_late)


def weekly_summary(*, first: dt.date, last: dt.date, now: dt.datetime) -> WeeklySummary:
    """The figures of the weekly email for the school in scope: three queries, no names."""
    counts = ExpectedSession.objects.filter(date__range=(first, last)).aggregate(**_figure_annotations(now, ""))
    late = (Register.objects.filter(date__range=(first, last), due_at__lte=now)
            .filter(Q(submitted_at__isnull=True) | Q(submitted_at__gt=F("due_at"))).count())
    return WeeklySummary(first, last, below_target_count(now=now), counts["expected"] - counts["attended"], late)
