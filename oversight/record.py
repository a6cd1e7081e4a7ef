"""The placement record (issue 14 item 1, seed 001 "a full record of all placements", seed 003 §4):
one record per placement, and one per pupil across their placements.

Everything is read through the caller's scope (tenancy.scoping) and cut by the visibility table
through the selectors that own each part, given the membership:

* dates, provider, hours, status, end reason and destination: the placement's own facts, for
  everyone who reaches the placement;
* attendance: `attendance` group (attendance.reports figures);
* visits and review meetings: what monitoring's visit_view and review_view give this reader;
* targets, review outcomes, exam entries and results, the destination's details, the final report
  and the pupil's own view: `education` (and the final report's attendance line: `attendance`),
  through placements.selectors.placement_details;
* incidents: counts only, for those who read incident reports (safeguarding.selectors);
* safeguarding concerns: the date of each one the member reads (the placement's DSLs, or a concern
  shared with them), never their content.

A part the reader may not read is None, so the page and the PDF leave it out. Each part is read for
all the placements at once, so a pupil with ten placements costs the same queries as one with one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from attendance import reports as attendance_reports
from attendance.rules import Figures
from exams import api as exams_api
from monitoring import review_selectors
from monitoring import selectors as monitoring_selectors
from monitoring.models import Visit, VisitState
from monitoring.review_models import ReviewMeeting, ReviewState, TargetReview
from placements import selectors as placement_selectors
from placements.models import IN_AP_STATES, Placement, Pupil, State, Target
from safeguarding import selectors as safeguarding_selectors
from safeguarding.models import IncidentKind
from tenancy.visibility import DataGroup, Reader

# The placements a pupil's record lists: agreed, running or ended (not referrals that never ran).
RECORD_STATES = (State.AGREED, *IN_AP_STATES, State.ENDED)


@dataclass
class ReviewedTargets:
    held_on: dt.date | None
    rows: list[TargetReview]


@dataclass
class PlacementRecord:
    placement: Placement
    label: placement_selectors.PupilLabel
    status: str
    details: placement_selectors.PlacementDetails
    attendance: Figures | None = None  # None: the reader does not read attendance
    visits: list = field(default_factory=list)  # monitoring.selectors.VisitView, newest first
    reviews: list = field(default_factory=list)  # monitoring.review_selectors.ReviewView, newest first
    targets: list[Target] | None = None  # None: the reader does not read targets and progress
    reviewed_targets: list[ReviewedTargets] = field(default_factory=list)
    exams: list | None = None  # exams.api entries (with any result); None: not for this reader
    incidents: list[tuple[str, int]] | None = None  # (kind label, count); None: not for this reader
    concerns: list | None = None  # the dates of concerns the reader reads; None: not for this reader

    @property
    def sections(self) -> set[str]:
        """The parts of the record this reader gets (for the audit log and tests)."""
        parts = {"attendance": self.attendance, "targets": self.targets, "exams": self.exams,
                 "incidents": self.incidents, "concerns": self.concerns}
        return {name for name, value in parts.items() if value is not None}


def placement_record(placement: Placement, membership, *, now: dt.datetime) -> PlacementRecord:
    """One placement's record (`placement` from placements.selectors.placement_get)."""
    return records_for([placement], membership, now=now)[0]


def pupil_placements(pupil: Pupil) -> list[Placement]:
    """The pupil's placements the organisation sees that ran (or were agreed), oldest first."""
    return list(Placement.objects.filter(pupil=pupil, state__in=RECORD_STATES)
                .select_related("pupil", "pupil__school", "school", "provider")
                .order_by("start_date", "created_at", "pk"))


def pupil_label(pupil: Pupil, membership) -> str:
    """The pupil's name for the pupil record's heading, or a reference when identity is not read."""
    if placement_selectors.pupil_reader(pupil, membership).can(DataGroup.IDENTITY):
        return f"{pupil.first_name} {pupil.last_name}"
    return f"Pupil {pupil.pk}"


def records_for(placements: list[Placement], membership, *, now: dt.datetime) -> list[PlacementRecord]:
    """The record of each placement, in the order given, with a fixed number of queries."""
    readers = {p.pk: placement_selectors.placement_reader(p, membership) for p in placements}
    records = [PlacementRecord(p, placement_selectors.pupil_label(p, readers[p.pk]),
                               placement_selectors.placement_status(p),
                               placement_selectors.placement_details(p, readers[p.pk])) for p in placements]
    if not placements:
        return records
    by_pk = {r.placement.pk: r for r in records}
    _attendance(records, readers, now=now)
    _visits(by_pk, readers, membership)
    _reviews(by_pk, readers, membership)
    _targets(records, readers)
    _exams(records, readers)
    _incidents(records, membership)
    _concerns(records, membership)
    return records


def _can(readers: dict[int, Reader], record: PlacementRecord, group: str) -> bool:
    return readers[record.placement.pk].can(group)


def _attendance(records, readers, *, now):
    wanted = [r.placement.pk for r in records if _can(readers, r, DataGroup.ATTENDANCE)]
    if not wanted:
        return
    figures = attendance_reports.figures_by_placement(wanted, now=now)
    for record in records:
        if record.placement.pk in figures:
            record.attendance = figures[record.placement.pk]


def _visits(by_pk, readers, membership):
    """Submitted visits (a draft is the school's working copy), each as visit_view gives it."""
    for visit in (Visit.objects.filter(placement__in=list(by_pk), state=VisitState.SUBMITTED)
                  .select_related("visitor").order_by("-visited_on", "-pk")):
        record = by_pk[visit.placement_id]
        record.visits.append(monitoring_selectors.visit_view(visit, record.placement, membership,
                                                             reader=readers[visit.placement_id], actions=[]))


def _reviews(by_pk, readers, membership):
    for meeting in (ReviewMeeting.objects.filter(placement__in=list(by_pk), state=ReviewState.SUBMITTED)
                    .order_by("-held_on", "-pk")):
        record = by_pk[meeting.placement_id]
        record.reviews.append(review_selectors.review_view(meeting, record.placement, membership,
                                                           reader=readers[meeting.placement_id], with_targets=False))


def _targets(records, readers):
    """The agreement's targets, and each submitted review's progress and outcome against them."""
    wanted = [r for r in records if _can(readers, r, DataGroup.EDUCATION)]
    if not wanted:
        return
    agreements = {r.placement.current_agreement_id: r for r in wanted if r.placement.current_agreement_id}
    for record in wanted:
        record.targets = []
    for target in Target.objects.filter(agreement_id__in=list(agreements)):
        agreements[target.agreement_id].targets.append(target)
    by_pk = {r.placement.pk: r for r in wanted}
    meetings: dict[int, ReviewedTargets] = {}
    for row in (TargetReview.objects.filter(meeting__placement__in=list(by_pk), meeting__state=ReviewState.SUBMITTED)
                .select_related("meeting").order_by("meeting__held_on", "meeting_id", "order", "pk")):
        if row.meeting_id not in meetings:
            meetings[row.meeting_id] = ReviewedTargets(row.meeting.held_on, [])
            by_pk[row.meeting.placement_id].reviewed_targets.append(meetings[row.meeting_id])
        meetings[row.meeting_id].rows.append(row)


def _exams(records, readers):
    wanted = [r for r in records if _can(readers, r, DataGroup.EDUCATION)]
    if not wanted:
        return
    entries = exams_api.entries_for_placements([r.placement.pk for r in wanted])
    for record in wanted:
        record.exams = list(entries.get(record.placement.pk, []))


def _incidents(records, membership):
    counts = safeguarding_selectors.incident_counts([r.placement for r in records], membership)
    for record in records:
        if record.placement.pk in counts:
            found = counts[record.placement.pk]
            record.incidents = [(kind.label, found.get(kind.value, 0)) for kind in IncidentKind]


def _concerns(records, membership):
    lines = safeguarding_selectors.concerns_by_placement([r.placement for r in records], membership)
    for record in records:
        readable = [line.concern for line in lines[record.placement.pk] if line.readable]
        if readable or safeguarding_selectors.reads_every_concern(record.placement, membership):
            record.concerns = readable


def totals(records: list[PlacementRecord]) -> Figures | None:
    """Attendance across the placements whose attendance the reader reads (the pupil record)."""
    counted = [r.attendance for r in records if r.attendance is not None]
    if not counted:
        return None
    return Figures(sum(f.attended for f in counted), sum(f.expected for f in counted), counted[0].target)

