"""Reads of review meetings, through the caller's scope (tenancy.scoping).

What a member reads of a meeting comes from the visibility table (placements.selectors
.placement_reader): the date, who attended and the next review date are the meeting's facts; parents'
invitation and attendance need "parents"; attendance needs "attendance"; the safeguarding yes/no
needs "safeguarding"; behaviour, academic progress, comments and the targets need "education". A
provider reads submitted meetings of its placements (scope) within what the school shared.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from placements import selectors as placement_selectors
from placements.models import IN_AP_STATES, Placement
from tenancy.visibility import DataGroup

from .review_models import ReviewMeeting, ReviewState, TargetReview
from .reviews import HistoryStep
from .selectors import answer, on_date, percent, readable_rows

DUE_SOON_DAYS = 7  # a review is "due" on the dashboard this many days before its date


def meeting_get(pk: int) -> ReviewMeeting:
    return ReviewMeeting.objects.select_related("placement", "submitted_by").get(pk=pk)


def placement_reviews(placement: Placement) -> list[ReviewMeeting]:
    """The placement's meetings this organisation sees (a provider: submitted ones only, by scope)."""
    return list(ReviewMeeting.objects.filter(placement=placement).order_by("-held_on", "-pk"))


def draft_of(placement: Placement) -> ReviewMeeting | None:
    return ReviewMeeting.objects.filter(placement=placement, state=ReviewState.DRAFT).first()


def next_review(placement: Placement) -> dt.date | None:
    """The next review date the last submitted meeting set (None before the first meeting)."""
    last = (ReviewMeeting.objects.filter(placement=placement, state=ReviewState.SUBMITTED)
            .order_by("-submitted_at", "-pk").values_list("next_review_on", flat=True).first())
    return last


# --- Due and overdue (dashboard) -------------------------------------------------------------------

def reviews_due(*, today: dt.date):
    """The last submitted meeting of each placement in AP whose next review date is within
    DUE_SOON_DAYS or past, soonest first: one query."""
    later = ReviewMeeting.objects.filter(placement=OuterRef("placement"), state=ReviewState.SUBMITTED,
                                         submitted_at__gt=OuterRef("submitted_at"))
    return (ReviewMeeting.objects.filter(state=ReviewState.SUBMITTED, placement__state__in=IN_AP_STATES,
                                         next_review_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
            .exclude(Exists(later)).select_related("placement__pupil", "placement__provider", "placement__school")
            .order_by("next_review_on", "pk"))


# --- One meeting as a member may read it ------------------------------------------------------------

@dataclass
class TargetRow:
    number: int
    row: TargetReview
    history: list[HistoryStep] = field(default_factory=list)  # earlier reviews of this target, oldest first


@dataclass
class ReviewView:
    meeting: ReviewMeeting
    rows: list[tuple[str, str]] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    reads_targets: bool = False


def _histories(meeting: ReviewMeeting, rows: list[TargetReview]) -> dict[int, list[HistoryStep]]:
    """Each row's earlier reviews, from every meeting of the placement read at once (one query)."""
    earlier = {r.pk: r for r in TargetReview.objects.filter(meeting__placement_id=meeting.placement_id,
                                                            meeting__state=ReviewState.SUBMITTED)
               .exclude(meeting=meeting).select_related("meeting__submitted_by")}
    histories = {}
    for row in rows:
        steps, previous = [], earlier.get(row.previous_id)
        while previous is not None:
            m = previous.meeting
            steps.append(HistoryStep(m.held_on, m.submitted_by, m.submitted_at, previous.wording,
                                     previous.get_outcome_display(), previous.new_wording))
            previous = earlier.get(previous.previous_id)
        histories[row.pk] = steps[::-1]
    return histories


def review_view(meeting: ReviewMeeting, placement: Placement, membership, *, reader=None,
                with_targets: bool = True) -> ReviewView:
    """`reader` may be given, and the targets left out (`with_targets=False`), by a caller reading
    many meetings at once and their targets in one query (no query here then)."""
    if reader is None:
        reader = placement_selectors.placement_reader(placement, membership)
    attended = [who for who, yes in (("the school", meeting.school_attended), ("the provider", meeting.provider_attended),
                                     ("the pupil", meeting.pupil_attended)) if yes]
    rows = [("Date of the review meeting", on_date(meeting.held_on)),
            ("Who attended", (", ".join(attended).capitalize() if attended else "Not given")
             + (f"\n{meeting.attendees}" if meeting.attendees else ""))]
    parents = [("Parents or carers invited", answer(meeting.parents_invited))]
    if meeting.parents_invited:
        parents += [("How they were invited", meeting.get_parents_invited_how_display() or "Not given"),
                    ("Parents or carers attended", answer(meeting.parents_attended))]
    rows += readable_rows(reader, [
        (DataGroup.PARENTS, parents),
        (DataGroup.EDUCATION, [("Behaviour", answer(meeting.behaviour))]),
        (DataGroup.ATTENDANCE, [("Attendance", percent(meeting.attendance_percent)),
                                ("Attendance notes", answer(meeting.attendance_notes))]),
        (DataGroup.SAFEGUARDING, [("Safeguarding queries", answer(meeting.safeguarding_queries))]),
        (DataGroup.EDUCATION, [("Progress (academic)", answer(meeting.academic_progress)),
                               ("Comments", answer(meeting.comments))]),
    ])
    rows.append(("Date of the next review meeting", on_date(meeting.next_review_on)))
    view = ReviewView(meeting, rows, reads_targets=reader.can(DataGroup.EDUCATION))
    if view.reads_targets and with_targets:
        targets = list(TargetReview.objects.filter(meeting=meeting))
        histories = _histories(meeting, targets)
        view.targets = [TargetRow(n, row, histories[row.pk]) for n, row in enumerate(targets, start=1)]
    return view

