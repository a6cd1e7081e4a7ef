"""Review meetings and targets (issue 12 item 4; seed 001 §16): writes and the rules they follow.

**Targets.** The signed agreement version is never changed. A meeting reviews the placement's
*current targets*, copied into its own `TargetReview` rows when the meeting is started:

* before any submitted meeting, the targets of the agreement version in force;
* afterwards, what the last submitted meeting left: a target kept carries on as it was, one revised
  carries on with its new wording, one replaced gives way to the new target, and one met drops out.

Each row points at where its wording came from (`agreement_target`, or `previous`: the row of the
meeting before), so a target's history — who reviewed it, when, the old wording and the new — is
the chain of rows (monitoring.review_selectors reads it for the record). Only one draft meeting per placement exists at a time (a
partial unique constraint), so the rows a draft copied are still the current ones when it is
submitted. A target added to a later agreement version is added at the next meeting by replacing
or revising; the agreement itself is not reconciled automatically.

**Next review date.** The target of the "review_overdue" ladder (monitoring.review_ladder) is the
placement, anchored in the school's days (07:00 in England): the visit owner (else the AP lead) is
reminded REMINDER_SCHOOL_DAYS school days before the date; the school day after it the owner and
the AP lead are told it is overdue; HEAD_SCHOOL_DAYS school days after that, the headteacher. The
first date is the agreement's "first review date" (the daily job `first_reviews_open` puts
placements with no meeting yet on the ladder); submitting a meeting holds the review due and starts
a fresh run from its next review date (new dedupe keys, so the new date's steps are told once each).
A school with no term dates around the date counts weekdays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from apcommission.clock import LONDON, london
from apcommission.errors import Refusal
from escalation.services import Start, escalation_restart_many, escalation_start_many
from placements.models import IN_AP_STATES, Placement, Target
from tenancy.models import AuditAction
from tenancy.scoping import scopes_disabled
from tenancy.services import audit_record

from .review_models import ReviewMeeting, ReviewState, TargetOutcome, TargetReview

REVIEW_OVERDUE = "review_overdue"
REMINDER_SCHOOL_DAYS = 3  # the reminder: this many school days before the next review date
HEAD_SCHOOL_DAYS = 5  # the headteacher: this many school days after the overdue step
STEP_TIME = dt.time(7, 0)
SPAN = dt.timedelta(days=40)  # calendar days read either side of the date to find the school days


# --- Targets --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CurrentTarget:
    wording: str
    agreement_target_id: int | None = None
    previous_id: int | None = None


def last_submitted(placement: Placement) -> ReviewMeeting | None:
    return (ReviewMeeting.objects.filter(placement=placement, state=ReviewState.SUBMITTED)
            .order_by("-submitted_at", "-pk").first())


def current_targets(placement: Placement) -> list[CurrentTarget]:
    """The targets the placement's next meeting reviews (see the module docstring). Two queries."""
    last = last_submitted(placement)
    if last is not None:
        return [CurrentTarget(row.next_wording, previous_id=row.pk)
                for row in TargetReview.objects.filter(meeting=last) if row.carries_on]
    if placement.current_agreement_id is None:
        return []
    return [CurrentTarget(t.target, agreement_target_id=t.pk)
            for t in Target.objects.filter(agreement_id=placement.current_agreement_id)]


@dataclass(frozen=True)
class HistoryStep:
    held_on: dt.date | None
    by: object  # the user who submitted the meeting
    at: dt.datetime | None
    old: str
    outcome: str
    new: str


# --- Meetings -------------------------------------------------------------------------------------

RECORD_FIELDS = ("held_on", "school_attended", "provider_attended", "pupil_attended", "attendees",
                 "parents_invited", "parents_invited_how", "parents_attended", "behaviour", "attendance_percent",
                 "attendance_notes", "safeguarding_queries", "academic_progress", "comments", "next_review_on")
TARGET_FIELDS = ("progress", "outcome", "new_wording")
REQUIRED_TO_SUBMIT = {
    "held_on": "Enter the date of the review meeting",
    "parents_invited": "Select yes if the parents or carers were invited",
    "safeguarding_queries": "Select yes if there were safeguarding queries",
    "next_review_on": "Enter the date of the next review meeting",
}


def target_field(order: int, name: str) -> str:
    """The form field (and error key) of one target's answer, by the target's position."""
    return f"target_{order}_{name}"


def _check_submittable(meeting: ReviewMeeting, rows: list[TargetReview], *, today: dt.date) -> None:
    errors = {name: message for name, message in REQUIRED_TO_SUBMIT.items() if getattr(meeting, name) in (None, "")}
    if meeting.held_on is not None and meeting.held_on > today:
        errors["held_on"] = "The date of the review meeting must be today or in the past"
    if meeting.parents_invited:
        if not meeting.parents_invited_how:
            errors["parents_invited_how"] = "Select how the parents or carers were invited"
        if meeting.parents_attended is None:
            errors["parents_attended"] = "Select yes if the parents or carers attended"
    if meeting.next_review_on is not None and meeting.held_on is not None and meeting.next_review_on <= meeting.held_on:
        errors["next_review_on"] = "The date of the next review meeting must be after the date of this one"
    for n, row in enumerate(rows, start=1):
        if not row.outcome:
            errors[target_field(row.order, "outcome")] = f"Select what happens to target {n}"
        elif row.outcome in (TargetOutcome.REVISED, TargetOutcome.REPLACED) and not row.new_wording.strip():
            what = "the revised target" if row.outcome == TargetOutcome.REVISED else "the new target"
            errors[target_field(row.order, "new_wording")] = f"Enter {what} for target {n}"
    if errors:
        raise ValidationError(errors)


def review_save(*, placement: Placement, values: dict, targets: dict[int, dict], by, organisation,
                now: dt.datetime, submit: bool, meeting: ReviewMeeting | None = None) -> ReviewMeeting:
    """Save a meeting as a draft, or submit it. A new meeting (`meeting` None) copies the placement's
    current targets into its rows; `targets` gives each row's answers by its position (order ->
    progress, outcome, new_wording). On submit every required answer must be given, the meeting
    before it comes off the "review_overdue" ladder and this one goes on it for its next review date.
    A submitted meeting does not change; nothing half-saves."""
    if placement.state not in IN_AP_STATES:
        raise Refusal("Review meetings are held while the pupil is in the placement")
    try:
        with transaction.atomic():
            if meeting is None:
                if ReviewMeeting.objects.filter(placement=placement, state=ReviewState.DRAFT).exists():
                    raise Refusal("A review meeting for this placement is already saved as a draft: continue that one")
                meeting = ReviewMeeting.objects.create(
                    placement=placement, school_id=placement.school_id, provider_id=placement.provider_id,
                    created_by=by, created_at=now, updated_at=now)
                TargetReview.objects.bulk_create([
                    TargetReview(meeting=meeting, order=n, wording=t.wording, agreement_target_id=t.agreement_target_id,
                                 previous_id=t.previous_id) for n, t in enumerate(current_targets(placement))])
                created = True
            else:
                meeting = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
                created = False
            if meeting.submitted:
                raise Refusal("This review meeting has been submitted and cannot be changed")
            _apply(meeting, values, targets, by=by, now=now, submit=submit)
            audit_record(organisation=organisation, user=by, action=AuditAction.CREATE if created else AuditAction.CHANGE,
                         obj=meeting, detail="Review meeting submitted" if submit else "Review meeting saved as a draft")
    except IntegrityError:  # two people started the placement's draft at once: the other one's stands
        raise Refusal("A review meeting for this placement is already saved as a draft: continue that one") from None
    return meeting


def _apply(meeting: ReviewMeeting, values: dict, targets: dict[int, dict], *, by, now: dt.datetime,
           submit: bool) -> None:
    for name in RECORD_FIELDS:
        if name in values:
            setattr(meeting, name, values[name])
    if not meeting.parents_invited:  # not invited (or not answered yet): how and whether they came do not apply
        meeting.parents_invited_how, meeting.parents_attended = "", None
    rows = list(TargetReview.objects.filter(meeting=meeting))
    for row in rows:
        for name in TARGET_FIELDS:
            if name in targets.get(row.order, {}):
                setattr(row, name, targets[row.order][name] or "")
        if row.outcome not in (TargetOutcome.REVISED, TargetOutcome.REPLACED):
            row.new_wording = ""
    meeting.updated_at = now
    if submit:
        _check_submittable(meeting, rows, today=now.astimezone(LONDON).date())
        meeting.state, meeting.submitted_at, meeting.submitted_by = ReviewState.SUBMITTED, now, by
    meeting.save()
    TargetReview.objects.bulk_update(rows, TARGET_FIELDS)
    if submit:
        _ladder_after_submit(meeting, now=now)


# --- The "review_overdue" ladder ----------------------------------------------------------------

def review_anchors(days_before: list[dt.date], days_after: list[dt.date], due_on: dt.date) -> dict[str, dt.datetime]:
    """The ladder's anchors from the school days before the next review date (up to and including
    it) and the school days after it."""
    reminder = (days_before[-REMINDER_SCHOOL_DAYS] if len(days_before) >= REMINDER_SCHOOL_DAYS
                else due_on - dt.timedelta(days=REMINDER_SCHOOL_DAYS))
    overdue = days_after[0] if days_after else due_on + dt.timedelta(days=1)
    head = (days_after[HEAD_SCHOOL_DAYS] if len(days_after) > HEAD_SCHOOL_DAYS
            else overdue + dt.timedelta(days=7))
    return {"reminder": london(reminder, STEP_TIME), "overdue": london(overdue, STEP_TIME),
            "head": london(head, STEP_TIME)}


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)
            if (start + dt.timedelta(days=n)).weekday() < 5]


def _anchors(calendars, school_id: int, due_on: dt.date) -> dict[str, dt.datetime]:
    before = calendars.days(school_id, due_on - SPAN, due_on - dt.timedelta(days=1))
    after = calendars.days(school_id, due_on + dt.timedelta(days=1), due_on + SPAN)
    if not before and not after:  # no term dates for the school around the date
        before = _weekdays(due_on - SPAN, due_on - dt.timedelta(days=1))
        after = _weekdays(due_on + dt.timedelta(days=1), due_on + SPAN)
    return review_anchors(before, after, due_on)


def anchors_for(placement: Placement, due_on: dt.date) -> dict[str, dt.datetime]:
    """The anchors in the placement's school's days (weekdays when it has no term dates): two queries."""
    from .services import Calendars

    calendars = Calendars({placement.school_id: placement.school.local_authority_id}, first=due_on - SPAN,
                          last=due_on + SPAN)
    return _anchors(calendars, placement.school_id, due_on)


def _ladder_after_submit(meeting: ReviewMeeting, *, now: dt.datetime) -> None:
    """The placement's run on the ladder starts again from this meeting's next review date (a fresh
    run: the earlier date's reminders are over, the new date's are new)."""
    placement = Placement.objects.select_related("school").get(pk=meeting.placement_id)
    escalation_restart_many(ladder=REVIEW_OVERDUE, target_model=Placement, now=now, starts=[
        Start(target_id=placement.pk, organisation_id=placement.school_id,
              anchors=anchors_for(placement, meeting.next_review_on))])


def first_reviews_open(*, now: dt.datetime) -> int:
    """The daily job: every placement in AP whose agreement in force names its first review date and
    that has had no meeting yet goes on the ladder for that date (a placement already on it is left
    as it is). Cross-tenant (beat), idempotent. Returns the placements offered to the ladder."""
    from .services import Calendars

    with scopes_disabled(), transaction.atomic():
        held = ReviewMeeting.objects.filter(placement=OuterRef("pk"), state=ReviewState.SUBMITTED)
        rows = list(Placement.objects.filter(state__in=IN_AP_STATES, current_agreement__review_date__isnull=False)
                    .exclude(Exists(held)).values_list("pk", "school_id", "school__local_authority_id",
                                                       "current_agreement__review_date"))
        if not rows:
            return 0
        dates = [due for *_, due in rows]
        calendars = Calendars({school: la for _, school, la, _ in rows}, first=min(dates) - SPAN,
                              last=max(dates) + SPAN)
        starts = [Start(target_id=pk, organisation_id=school, anchors=_anchors(calendars, school, due))
                  for pk, school, _la, due in rows]
        escalation_start_many(ladder=REVIEW_OVERDUE, target_model=Placement, starts=starts, now=now)
    return len(starts)
