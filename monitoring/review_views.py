"""Review meeting pages: start or continue a draft, submit, read, PDF. Thin: rules and writes in
monitoring.reviews, reads in monitoring.review_selectors; the pages go the visit record's way
(monitoring.views.RecordPages).

School roles with `record_visits` write; members who read pupils read (what of a meeting, the
visibility table decides: review_selectors.review_view); a provider reads submitted meetings only
(scope).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect

from apcommission import clock
from apcommission.forms import posted
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from . import review_selectors, reviews, selectors
from .review_forms import ReviewForm
from .review_models import ReviewMeeting, TargetReview
from .views import (
    READERS,
    RecordPages,
    _placement,
    record_detail,
    record_edit,
    record_form_page,
    record_pdf,
)


def _meeting(pk) -> ReviewMeeting:
    try:
        return review_selectors.meeting_get(pk)
    except ReviewMeeting.DoesNotExist:
        raise Http404("No such review meeting") from None


REVIEW_PAGES = RecordPages(name="Review meeting", key="review", prefix="R", context_name="meeting", get=_meeting,
                           view=review_selectors.review_view, concerns="safeguarding_queries")


def _form_page(request, placement, meeting=None):
    now = clock.now()
    if meeting is not None:
        rows = list(TargetReview.objects.filter(meeting=meeting))
        wording = [row.wording for row in rows]
        initial = ReviewForm.initial_from(meeting, rows)
    else:
        wording = [t.wording for t in reviews.current_targets(placement)]
        initial = {"held_on": clock.today(), "attended": ["school", "provider"],
                   "attendance_percent": selectors.attendance_prefill(placement, now=now)}
    form = ReviewForm(posted(request), targets=wording, initial=initial)

    def save(submit):
        return reviews.review_save(placement=placement, meeting=meeting, values=form.values(),
                                   targets=form.target_values(), by=request.user,
                                   organisation=request.organisation, now=now, submit=submit)

    return record_form_page(
        request, REVIEW_PAGES, placement, form, save, title="Record a review meeting",
        intro=["Review the placement with the provider (and the pupil and their parents or carers): behaviour, "
               "attendance, progress against each target and what happens to it.",
               "Save and come back later to finish it on another day; submit it when it is complete."])


@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def review_create(request, org, pk):
    placement = _placement(pk)
    draft = review_selectors.draft_of(placement)
    if draft is not None:
        return redirect("monitoring:review_edit", org=org, pk=draft.pk)
    return _form_page(request, placement)


@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def review_edit(request, org, pk):
    return record_edit(request, REVIEW_PAGES, pk, _form_page)


@org_view(C.VIEW_PUPILS, kinds=READERS)
def review_detail(request, org, pk):
    return record_detail(request, REVIEW_PAGES, pk)


@org_view(C.VIEW_PUPILS, kinds=READERS)
def review_pdf(request, org, pk):
    return record_pdf(request, REVIEW_PAGES, pk)
