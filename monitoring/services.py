"""Writes: visit windows (the daily job), visit records, the visit owner and actions.

`visit_windows_open` is the daily beat job's work: cross-tenant, state-based and idempotent (a
window is created once per placement and start; a ladder is started once per window), so it may
run twice or be killed half-way. Everything else runs in the school's scope from its pages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from apcommission.clock import LONDON
from apcommission.errors import Refusal
from attendance.calendar import DAY_ROW, TERM_ROW, academic_year_of, days_from_rows
from attendance.models import NonTeachingDay, TermDates
from escalation.services import Start, escalation_resolve_many, escalation_start_many
from placements.models import IN_AP_STATES, Placement
from slas.selectors import sla_terms_for
from tenancy.models import AuditAction
from tenancy.scoping import scopes_disabled
from tenancy.services import audit_record

from . import rules
from .ladders import VISIT_OVERDUE
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

DAYS_AFTER_SPAN = dt.timedelta(days=70)  # calendar days read after a window to find the next window's 5th school day


# --- Calendars for many schools at once ------------------------------------------------------------

class Calendars:
    """The term and non-teaching-day rows of a set of schools and their LAs, read once (two queries)
    through the caller's scope, answering windows and school days per school."""

    def __init__(self, schools: dict[int, int | None], *, first: dt.date, last: dt.date):
        self.schools = schools  # school id -> LA id
        owners = set(schools) | {la for la in schools.values() if la is not None}
        years = range(academic_year_of(first) - 1, academic_year_of(last) + 2)
        self.first, self.last = first - dt.timedelta(days=200), last + DAYS_AFTER_SPAN + dt.timedelta(days=120)
        self.term_rows = list(TermDates.objects.filter(organisation_id__in=owners, academic_year__in=years)
                              .values_list(*TERM_ROW))
        self.day_rows = list(NonTeachingDay.objects.filter(organisation_id__in=owners,
                                                           date__range=(self.first, self.last))
                             .values_list(*DAY_ROW))

    def windows(self, school_id: int) -> list[rules.Window]:
        return rules.windows_from_rows(self.term_rows, school_id=school_id, la_id=self.schools[school_id])

    def days(self, school_id: int, start: dt.date, end: dt.date) -> list[dt.date]:
        return days_from_rows(start, end, school_id=school_id, la_id=self.schools[school_id], provider_id=None,
                              term_rows=self.term_rows, day_rows=self.day_rows)

    def anchors(self, school_id: int, window: rules.Window) -> dict[str, dt.datetime]:
        after = self.days(school_id, window.end + rules.ONE_DAY, window.end + DAYS_AFTER_SPAN)
        return rules.ladder_anchors(self.days(school_id, window.start, window.end), after)


def school_visit_settings(school_ids) -> dict[int, int]:
    """Each school's own visits per half term (schools without a setting are left out). One query."""
    return dict(VisitSettings._base_manager.filter(school_id__in=list(school_ids))
                .values_list("school_id", "visits_per_half_term"))


# --- The daily jobs ---------------------------------------------------------------------------------

def placements_in_ap(today: dt.date) -> tuple[list[tuple], Calendars | None]:
    """Every placement in AP as (pk, school id, LA id, provider id, start date, end date), and the
    calendars of their schools around `today` (None without placements). Cross-tenant callers only."""
    placements = list(Placement.objects.filter(state__in=IN_AP_STATES).values_list(
        "pk", "school_id", "school__local_authority_id", "provider_id", "start_date", "ended_on"))
    if not placements:
        return [], None
    return placements, Calendars({school: la for _, school, la, *_ in placements}, first=today, last=today)


def visit_windows_open(*, now: dt.datetime) -> int:
    """For every placement in AP, the half-term window of its school's calendar that holds today: its
    row (with how many visits it needs) and, when it needs any and has none yet, its place on the
    "visit_overdue" ladder. Cross-tenant (beat). Returns the windows put on the ladder this run."""
    today = now.astimezone(LONDON).date()
    with scopes_disabled(), transaction.atomic():
        placements, calendars = placements_in_ap(today)
        if not placements:
            return 0
        own = school_visit_settings(calendars.schools)
        current: dict[int, rules.Window | None] = {}
        window_days: dict[int, list[dt.date]] = {}
        terms: dict[tuple[int, int, dt.date], int] = {}
        rows = []
        for pk, school, _la, provider, start, ended in placements:
            if school not in current:
                current[school] = rules.window_on(calendars.windows(school), today)
                if current[school] is not None:
                    window_days[school] = calendars.days(school, current[school].start, current[school].end)
            window = current[school]
            if window is None or not window_days[school]:
                continue
            key = (school, provider, window.start)
            if key not in terms:
                terms[key] = rules.visits_per_half_term(sla_terms_for(school=school, provider=provider, on=window.start),
                                                        own.get(school), DEFAULT_VISITS_PER_HALF_TERM)
            days = rules.active_days(window_days[school], start=start, ended=ended)
            rows.append(VisitWindow(placement_id=pk, school_id=school, provider_id=provider, start=window.start,
                                    end=window.end, required=rules.required_visits(terms[key], days)))
        VisitWindow.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        open_windows = list(VisitWindow.objects.filter(
            placement_id__in=[row.placement_id for row in rows], start__lte=today, end__gte=today,
            required__gt=0, met_at__isnull=True).values_list("pk", "placement_id", "school_id", "start", "end",
                                                             "required"))
        met = _windows_met([(pk, placement, start, end, required)
                            for pk, placement, _s, start, end, required in open_windows], now=now)
        starts = [Start(target_id=pk, organisation_id=school,
                        anchors=calendars.anchors(school, rules.Window(start, end)))
                  for pk, _p, school, start, end, _r in open_windows if pk not in met]
        escalation_start_many(ladder=VISIT_OVERDUE, target_model=VisitWindow, starts=starts, now=now)
    return len(starts)


def _windows_met(windows: list[tuple], *, now: dt.datetime, late_on: dt.date | None = None) -> set[int]:
    """Of (pk, placement id, start, end, required) windows, those now met by submitted visits dated in
    them (or, with `late_on`, ended before that visit): marked met and taken off the ladder. One
    query for the visits, one update, one resolve."""
    if not windows:
        return set()
    dates = defaultdict(list)
    for placement_id, day in Visit.objects.filter(
            placement_id__in={w[1] for w in windows}, state=VisitState.SUBMITTED,
            visited_on__gte=min(w[2] for w in windows)).values_list("placement_id", "visited_on"):
        dates[placement_id].append(day)
    met = {pk for pk, placement, start, end, required in windows
           if sum(1 for day in dates[placement] if start <= day <= end) >= required
           or (late_on is not None and end < late_on)}
    if met:
        VisitWindow.objects.filter(pk__in=met).update(met_at=now)
        escalation_resolve_many(ladder=VISIT_OVERDUE, target_model=VisitWindow, target_ids=met, by=None,
                                note="Visit recorded", now=now)
    return met


# --- Visit records -------------------------------------------------------------------------------

RECORD_FIELDS = ("visited_on", "visited_time", "visitor", "attendance_percent", "safeguarding_concerns",
                 "attendance_notes", "behaviour_welfare", "progress_attainment", "curriculum_learning",
                 "other_agencies", "parent_contacted", "parent_not_contacted_reason", "pupil_views",
                 "next_review_on")
REQUIRED_TO_SUBMIT = {
    "visited_on": "Enter the date of the visit",
    "visited_time": "Enter the time of the visit",
    "visitor": "Select the member of staff who visited",
    "safeguarding_concerns": "Select yes if there were safeguarding concerns",
    "parent_contacted": "Select yes if the parent or carer was contacted",
}


def _check_submittable(visit: Visit, *, today: dt.date) -> None:
    from django.core.exceptions import ValidationError

    errors = {name: message for name, message in REQUIRED_TO_SUBMIT.items() if getattr(visit, name) in (None, "")}
    if visit.parent_contacted is False and not visit.parent_not_contacted_reason.strip():
        errors["parent_not_contacted_reason"] = "Enter why the parent or carer was not contacted"
    if visit.visited_on is not None and visit.visited_on > today:
        errors["visited_on"] = "The date of the visit must be today or in the past"
    if errors:
        raise ValidationError(errors)


def visit_save(*, placement: Placement, values: dict, by, organisation, now: dt.datetime, submit: bool,
               visit: Visit | None = None) -> Visit:
    """Save a visit record as a draft, or submit it (then every required answer must be given, and the
    placement's windows it meets come off the ladder). A submitted record does not change."""
    if placement.state not in IN_AP_STATES:
        raise Refusal("Visits are recorded while the pupil is in the placement")
    if visit is not None and visit.submitted:
        raise Refusal("This visit record has been submitted and cannot be changed")
    with transaction.atomic():
        if visit is None:
            visit = Visit(placement=placement, school_id=placement.school_id, provider_id=placement.provider_id,
                          created_by=by, created_at=now)
        for name in RECORD_FIELDS:
            if name in values:
                setattr(visit, name, values[name])
        visit.updated_at = now
        if submit:
            _check_submittable(visit, today=now.astimezone(LONDON).date())
            visit.state, visit.submitted_at, visit.submitted_by = VisitState.SUBMITTED, now, by
        created = visit.pk is None
        visit.save()
        audit_record(organisation=organisation, user=by, action=AuditAction.CREATE if created else AuditAction.CHANGE,
                     obj=visit, detail="Visit record submitted" if submit else "Visit record saved as a draft")
        if submit:
            windows = list(VisitWindow.objects.filter(placement=placement, met_at__isnull=True, required__gt=0,
                                                      start__lte=visit.visited_on)
                           .values_list("pk", "placement_id", "start", "end", "required"))
            _windows_met(windows, now=now, late_on=visit.visited_on)
    return visit


@transaction.atomic
def visit_settings_save(*, school, visits_per_half_term: int, by, now: dt.datetime) -> VisitSettings:
    """A school's visits per half term for placements whose signed SLA (if any) does not say. Windows
    already open keep what they needed when they opened; the next ones follow the new number."""
    from tenancy.roles import OrganisationKind

    if school.kind != OrganisationKind.SCHOOL:
        raise Refusal("Only a school sets how often its placements are visited")
    row = VisitSettings.objects.select_for_update().filter(school=school).first() or VisitSettings(school=school)
    row.visits_per_half_term = visits_per_half_term
    row.full_clean()
    created = row.pk is None
    row.save()
    audit_record(organisation=school, user=by, action=AuditAction.CREATE if created else AuditAction.CHANGE, obj=row,
                 detail=f"Visits each half term set to {visits_per_half_term}")
    return row


def visit_owner_set(*, placement: Placement, owner, by, organisation, now: dt.datetime) -> VisitPlan:
    plan, _ = VisitPlan.objects.update_or_create(placement=placement,
                                                 defaults={"school_id": placement.school_id, "owner": owner})
    audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=plan, detail="Visit owner set")
    return plan


def visit_action_add(*, visit: Visit, side: str, description: str, owner_name: str, due_on: dt.date, by,
                     organisation) -> VisitAction:
    if side not in ActionSide.values:
        raise Refusal("Choose whether the action is for the school or the provider")
    action = VisitAction.objects.create(visit=visit, side=side, description=description, owner_name=owner_name,
                                        due_on=due_on)
    audit_record(organisation=organisation, user=by, action=AuditAction.CREATE, obj=action, detail="Visit action added")
    return action


def visit_action_done(*, action: VisitAction, by, organisation, now: dt.datetime) -> VisitAction:
    if action.done_on is None:
        action.done_on = now.astimezone(LONDON).date()
        action.save(update_fields=["done_on"])
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=action,
                     detail="Visit action done")
    return action
