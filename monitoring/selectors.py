"""Reads for the monitoring pages, through the caller's scope (tenancy.scoping).

What a member reads of a visit record comes from the visibility table (tenancy.visibility, through
placements.selectors.placement_reader): attendance % and notes need "attendance"; behaviour,
progress, curriculum, other agencies, the pupil's views and the actions need "education"; parent
contact needs "parents"; the safeguarding yes/no needs "safeguarding". A provider reads a
submitted record's date, visitor and the actions for the provider only (never the school's notes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery

from placements import selectors as placement_selectors
from placements.models import IN_AP_STATES, Placement
from slas.selectors import sla_terms_for
from tenancy.roles import OrganisationKind as K
from tenancy.visibility import DataGroup

from . import rules
from .models import (
    DEFAULT_VISITS_PER_HALF_TERM,
    ActionSide,
    Visit,
    VisitAction,
    VisitPlan,
    VisitSettings,
    VisitState,
    VisitWindow,
)
from .services import Calendars, school_visit_settings

OVERDUE = "overdue"  # ?queue= of the visits list: the dashboard figure's list
PAGE_SIZE = 50


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """A window that ended without the visits it needed, of a placement still in AP."""
    return Q(**{f"{prefix}end__lt": today, f"{prefix}met_at__isnull": True, f"{prefix}required__gt": 0,
                f"{prefix}placement__state__in": IN_AP_STATES})


def placement_get(pk: int) -> Placement:
    return Placement.objects.select_related("pupil", "school", "provider", "current_agreement__school_lead").get(pk=pk)


def visit_owner(placement: Placement):
    """The named visit owner, else the agreement's school lead (None when neither)."""
    plan = VisitPlan.objects.filter(placement=placement).select_related("owner").first()
    if plan is not None and plan.owner is not None:
        return plan.owner
    agreement = placement.current_agreement
    return agreement.school_lead if agreement is not None else None


# --- The monitoring list (school and trust) -------------------------------------------------------

def monitoring_list(*, today: dt.date, queue: str = ""):
    """Placements in AP with their last submitted visit and whether a visit is overdue: one query."""
    overdue = VisitWindow.objects.filter(overdue_q(today), placement=OuterRef("pk"))
    current = VisitWindow.objects.filter(placement=OuterRef("pk"), start__lte=today, end__gte=today,
                                         required__gt=0, met_at__isnull=True)
    qs = (Placement.objects.filter(state__in=IN_AP_STATES).select_related("pupil", "school", "provider")
          .annotate(last_visit=Max("visits__visited_on", filter=Q(visits__state=VisitState.SUBMITTED)),
                    overdue=Exists(overdue), due=Exists(current))
          .order_by("pupil__last_name", "pupil__first_name", "pk"))
    if queue == OVERDUE:
        qs = qs.filter(overdue=True)
    return qs


def overdue_count(*, today: dt.date) -> int:
    return monitoring_list(today=today, queue=OVERDUE).count()


@dataclass
class ListRow:
    placement: Placement
    label: object  # PupilLabel


def list_rows(placements, membership) -> list[ListRow]:
    return [ListRow(p, placement_selectors.list_label(p, membership)) for p in placements]


def owned_q(membership, prefix: str = "") -> Q:
    """Placements whose visits this member owns: named on the placement's visit plan, else its
    agreement's school lead; with neither, the AP lead (as the overdue-visit ladder decides)."""
    from tenancy.roles import Role

    user_id = membership.user_id
    unnamed = Q(**{f"{prefix}visit_plan__owner__isnull": True})
    q = Q(**{f"{prefix}visit_plan__owner_id": user_id}) | (
        unnamed & Q(**{f"{prefix}current_agreement__school_lead_id": user_id}))
    if membership.role == Role.AP_LEAD:
        q |= unnamed & Q(**{f"{prefix}current_agreement__school_lead__isnull": True})
    return q


def my_visit_work(membership, *, today: dt.date):
    """What the member must do for the placements whose visits they own (the "what needs doing"
    list): a visit due in the current half term (its window's end), and the school's actions from
    submitted visits past their due date (how many, and the earliest date). One query."""
    due = VisitWindow.objects.filter(placement=OuterRef("pk"), start__lte=today, end__gte=today, required__gt=0,
                                     met_at__isnull=True).values("end")[:1]
    late = VisitAction.objects.filter(visit__placement=OuterRef("pk"), visit__state=VisitState.SUBMITTED,
                                      side=ActionSide.SCHOOL, done_on__isnull=True, due_on__lt=today)
    return (Placement.objects.filter(owned_q(membership), state__in=IN_AP_STATES)
            .select_related("pupil", "provider")
            .annotate(visit_due_by=Subquery(due),
                      actions_overdue=Subquery(late.values("visit__placement").annotate(n=Count("pk")).values("n")),
                      actions_due_since=Subquery(late.values("visit__placement").annotate(d=Min("due_on"))
                                                 .values("d")))
            .filter(Q(visit_due_by__isnull=False) | Q(actions_overdue__gt=0))
            .order_by("visit_due_by", "pupil__last_name", "pk"))


def provider_actions_overdue(*, today: dt.date):
    """A provider's actions from schools' submitted visits, not done and past their date (the scope
    gives a provider only its own side's), oldest first."""
    return (VisitAction.objects.filter(side=ActionSide.PROVIDER, done_on__isnull=True, due_on__lt=today,
                                       visit__state=VisitState.SUBMITTED, visit__placement__state__in=IN_AP_STATES)
            .select_related("visit__placement__pupil", "visit__placement__school")
            .order_by("due_on", "pk"))


def area_overdue_by_school(*, today: dt.date) -> list[dict]:
    """An LA: per school in its area, how many placements have a visit overdue (numbers only)."""
    return list(VisitWindow.objects.filter(overdue_q(today)).values("school__name")
                .annotate(placements=Count("placement", distinct=True)).order_by("school__name"))


def area_overdue_count(*, today: dt.date) -> int:
    return VisitWindow.objects.filter(overdue_q(today)).values("placement").distinct().count()


# --- One placement's monitoring page -------------------------------------------------------------

@dataclass
class WindowRow:
    window: rules.Window
    required: int
    visits: int
    status: str

    @property
    def label(self) -> str:
        return rules.STATUS_LABELS[self.status]

    @property
    def colour(self) -> str:
        return {rules.Status.MET: "green", rules.Status.MET_LATE: "yellow", rules.Status.DUE: "blue",
                rules.Status.OVERDUE: "red"}.get(self.status, "grey")


def placement_windows(placement: Placement, *, today: dt.date) -> list[WindowRow]:
    """Every half-term window of the school's calendar from the placement's start to today's (or the
    next) window, with what it needs and whether that is met, due or overdue. A few queries."""
    if placement.start_date is None:
        return []
    school = placement.school
    calendars = Calendars({school.pk: school.local_authority_id}, first=placement.start_date, last=today)
    dates = sorted(Visit.objects.filter(placement=placement, state=VisitState.SUBMITTED, visited_on__isnull=False)
                   .values_list("visited_on", flat=True))
    last_day = placement.ended_on or today
    own = school_visit_settings([school.pk]).get(school.pk)
    rows = []
    for window in calendars.windows(school.pk):
        if window.end < placement.start_date or window.start > last_day:
            continue
        days = rules.active_days(calendars.days(school.pk, window.start, window.end), start=placement.start_date,
                                 ended=placement.ended_on)
        per = rules.visits_per_half_term(sla_terms_for(school=school, provider=placement.provider, on=window.start),
                                         own, DEFAULT_VISITS_PER_HALF_TERM)
        required = rules.required_visits(per, days)
        inside = sum(1 for d in dates if window.holds(d))
        after = any(d > window.end for d in dates)
        rows.append(WindowRow(window, required, inside,
                              rules.window_status(window, required=required, visits_in_window=inside,
                                                  visited_after=after, today=today)))
    return rows


@dataclass
class VisitView:
    """A visit record as this member may read it."""

    visit: Visit
    rows: list[tuple[str, str]] = field(default_factory=list)
    actions: list[VisitAction] = field(default_factory=list)
    provider_view: bool = False


# --- A record's rows as a member reads them (visits here; review meetings and termly reports too) ---

YES_NO = {True: "Yes", False: "No", None: "Not answered"}


def answer(value) -> str:
    """A yes/no question's answer, or a text answer ("Not given" when blank)."""
    if isinstance(value, bool) or value is None:
        return YES_NO[value]
    return str(value) if value not in ("",) else "Not given"


def on_date(value) -> str:
    return f"{value:%-d %B %Y}" if value else "Not given"


def percent(value) -> str:
    return f"{value}%" if value is not None else "Not given"


def person(user) -> str:
    return (getattr(user, "full_name", "") or user.email) if user is not None else "Not given"


def readable_rows(reader, groups) -> list[tuple[str, str]]:
    """The rows of each (data group, rows) pair the reader may read, in order (the visibility table
    decides: tenancy.visibility)."""
    return [row for group, rows in groups if reader.can(group) for row in rows]


def visit_view(visit: Visit, placement: Placement, membership, *, reader=None, actions=None) -> VisitView:
    """`reader` and `actions` may be given by a caller reading many visits at once (no query here)."""
    if reader is None:
        reader = placement_selectors.placement_reader(placement, membership)
    when = on_date(visit.visited_on)
    if visit.visited_time:
        when += f", {visit.visited_time:%H:%M}"
    rows = [("Date and time of the visit", when), ("Member of staff who visited", person(visit.visitor))]
    if actions is None:
        actions = list(VisitAction.objects.filter(visit=visit))
    if membership.organisation.kind == K.PROVIDER:
        return VisitView(visit, rows, [a for a in actions if a.side == ActionSide.PROVIDER], provider_view=True)
    rows += readable_rows(reader, [
        (DataGroup.ATTENDANCE, [("Attendance", percent(visit.attendance_percent)),
                                ("Attendance notes", answer(visit.attendance_notes))]),
        (DataGroup.SAFEGUARDING, [("Safeguarding concerns", answer(visit.safeguarding_concerns))]),
        (DataGroup.EDUCATION, [("Behaviour and welfare", answer(visit.behaviour_welfare)),
                               ("Progress and attainment", answer(visit.progress_attainment)),
                               ("Curriculum and learning", answer(visit.curriculum_learning)),
                               ("Other agencies involved", answer(visit.other_agencies)),
                               ("The pupil's views", answer(visit.pupil_views))]),
        (DataGroup.PARENTS, [("Parent or carer contacted", answer(visit.parent_contacted))]
         + ([("Why not", answer(visit.parent_not_contacted_reason))] if visit.parent_contacted is False else [])),
    ])
    rows.append(("Date of the next review meeting", on_date(visit.next_review_on)))
    return VisitView(visit, rows, actions if reader.can(DataGroup.EDUCATION) else [])


@dataclass
class Requirement:
    visits_per_half_term: int
    source: str  # "sla", "school" or "default"
    sla_id: int | None = None

    SOURCES = {"sla": "the signed service level agreement", "school": "the school's visit settings",
               "default": "the default, as no signed service level agreement or school setting says"}

    @property
    def summary(self) -> str:
        times = "a visit" if self.visits_per_half_term == 1 else f"{self.visits_per_half_term} visits"
        return (f"A placement needs {times} in every half term of the school's calendar "
                f"({self.SOURCES[self.source]})")


def visit_requirement(placement: Placement, *, today: dt.date) -> Requirement:
    """How many visits each half term this placement needs today, and who says so: the signed SLA in
    force, else the school's setting, else the default (once per half term)."""
    terms = sla_terms_for(school=placement.school, provider=placement.provider, on=today)
    own = school_visit_settings([placement.school_id]).get(placement.school_id)
    per = rules.visits_per_half_term(terms, own, DEFAULT_VISITS_PER_HALF_TERM)
    source = "sla" if terms.sla_id is not None else ("school" if own else "default")
    return Requirement(per, source, terms.sla_id)


def visit_settings(school) -> VisitSettings:
    return VisitSettings.objects.filter(school=school).first() or VisitSettings(school=school)


def placement_visits(placement: Placement):
    """The placement's visits this organisation sees (a provider: submitted ones only, by scope)."""
    return Visit.objects.filter(placement=placement).select_related("visitor").order_by("-visited_on", "-pk")


def visit_get(pk: int) -> Visit:
    return Visit.objects.select_related("visitor", "placement").get(pk=pk)


def action_get(pk: int) -> VisitAction:
    return VisitAction.objects.select_related("visit").get(pk=pk)


def attendance_prefill(placement: Placement, *, now: dt.datetime):
    """The placement's attendance % from its registers (attendance.reports), to pre-fill the record."""
    from attendance import reports

    figures = reports.placement_figures_for(reports.placement_get(placement.pk), now=now)
    return figures.percent


def visiting_staff(school):
    """The school's active members whose role records visits (visit owners and visitors)."""
    from django.contrib.auth import get_user_model

    from tenancy.models import Membership

    from .ladders import VISITING_ROLES

    members = Membership.objects.filter(organisation=school, is_active=True, role__in=VISITING_ROLES).values("user_id")
    return get_user_model().objects.filter(pk__in=members).order_by("full_name", "email")
