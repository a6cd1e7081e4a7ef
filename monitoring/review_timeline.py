"""Review meetings on the placement's timeline (monitoring.timeline, issue 12 item 8): each meeting the
reader's organisation sees (a provider: submitted ones only, by scope), and the next review date (the
last meeting's, else the agreement's first review date), due or overdue. Two queries, whatever the number of meetings."""

from __future__ import annotations

from django.urls import reverse

from apcommission import clock
from placements.models import IN_AP_STATES, Placement
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from .review_models import ReviewMeeting, ReviewState
from .timeline import TimelineEntry, register_source


def review_entries(placement, membership) -> list[TimelineEntry]:
    if membership is None or not membership.can(C.VIEW_PUPILS) or membership.organisation.kind not in (
            K.SCHOOL, K.TRUST, K.PROVIDER):
        return []
    org = membership.organisation.slug
    meetings = list(ReviewMeeting.objects.filter(placement=placement).order_by("-submitted_at", "-pk"))
    entries = []
    for meeting in meetings:
        url = reverse("monitoring:review_detail", kwargs={"org": org, "pk": meeting.pk})
        if meeting.submitted:
            entries.append(TimelineEntry(at=meeting.held_on or meeting.submitted_at, kind="review",
                                         title="Review meeting", state="Held", colour="green", url=url))
        else:
            entries.append(TimelineEntry(at=meeting.updated_at, kind="review", title="Review meeting",
                                         state="Draft", colour="grey", url=url))
    last = next((m for m in meetings if m.state == ReviewState.SUBMITTED), None)
    if last is not None:
        due = last.next_review_on
    elif Placement.current_agreement.is_cached(placement) and placement.current_agreement is not None:
        # Before any meeting: the agreement's first review date, when the page loaded the agreement with
        # the placement (no query of its own: the placement page has a query budget).
        due = placement.current_agreement.review_date
    else:
        due = None
    if due is not None and placement.state in IN_AP_STATES:
        overdue = due < clock.today()
        entries.append(TimelineEntry(at=due, kind="review", title="Next review meeting",
                                     state="Overdue" if overdue else "Due", colour="red" if overdue else "blue"))
    return entries


def register_review_timeline() -> None:
    register_source("review", review_entries)
