"""Review meeting pages: start or continue a draft, submit, read, PDF. Thin: rules and writes in
monitoring.reviews, reads in monitoring.review_selectors.

School roles with `record_visits` write; members who read pupils read (what of a meeting, the
visibility table decides: review_selectors.review_view); a provider reads submitted meetings only
(scope).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from apcommission import clock, pdf
from apcommission.dashboards import link
from apcommission.forms import posted, render_form_page, service_errors
from placements import selectors as placement_selectors
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from . import review_selectors, reviews, selectors
from .review_forms import ReviewForm
from .review_models import ReviewMeeting, TargetReview
from .views import READERS, _monitoring_url, _placement


def _meeting(pk) -> ReviewMeeting:
    try:
        return review_selectors.meeting_get(pk)
    except ReviewMeeting.DoesNotExist:
        raise Http404("No such review meeting") from None


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
    if request.method == "POST" and form.is_valid():
        submit = "draft" not in request.POST
        with service_errors(form):
            meeting = reviews.review_save(placement=placement, meeting=meeting, values=form.values(),
                                          targets=form.target_values(), by=request.user,
                                          organisation=request.organisation, now=now, submit=submit)
        if not form.errors:
            messages.success(request, "Review meeting submitted" if submit else "Review meeting saved as a draft")
            if submit:
                return redirect("monitoring:review_detail", org=request.organisation.slug, pk=meeting.pk)
            return redirect(_monitoring_url(request, placement.pk))
    reader = placement_selectors.placement_reader(placement, request.membership)
    return render_form_page(
        request, form, title="Record a review meeting", back_url=_monitoring_url(request, placement.pk),
        caption=placement_selectors.pupil_label(placement, reader).text,
        intro=["Review the placement with the provider (and the pupil and their parents or carers): behaviour, "
               "attendance, progress against each target and what happens to it.",
               "Save and come back later to finish it on another day; submit it when it is complete."],
        status=400 if form.errors else 200)


@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def review_create(request, org, pk):
    placement = _placement(pk)
    draft = review_selectors.draft_of(placement)
    if draft is not None:
        return redirect("monitoring:review_edit", org=org, pk=draft.pk)
    return _form_page(request, placement)


@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def review_edit(request, org, pk):
    meeting = _meeting(pk)
    if meeting.submitted:
        return redirect("monitoring:review_detail", org=org, pk=meeting.pk)
    return _form_page(request, _placement(meeting.placement_id), meeting)


@org_view(C.VIEW_PUPILS, kinds=READERS)
def review_detail(request, org, pk):
    meeting = _meeting(pk)
    placement = _placement(meeting.placement_id)
    view = review_selectors.review_view(meeting, placement, request.membership)
    audit_request(request, action=AuditAction.VIEW, obj=meeting, detail="Review meeting")
    reader = placement_selectors.placement_reader(placement, request.membership)
    return render(request, "monitoring/review_detail.html", {
        "view": view, "meeting": meeting, "placement": placement,
        "label": placement_selectors.pupil_label(placement, reader),
        "can_record": request.membership.can(C.RECORD_VISITS) and request.organisation.kind == K.SCHOOL,
        "back_url": _monitoring_url(request, placement.pk),
        # Queries' details go into a restricted record (safeguarding app), never into the review.
        "safeguarding_url": (link(request.membership, "safeguarding:concern_create", pk=placement.pk)
                             if meeting.safeguarding_queries and request.organisation.kind == K.SCHOOL else None),
    })


@org_view(C.VIEW_PUPILS, kinds=READERS)
def review_pdf(request, org, pk):
    meeting = _meeting(pk)
    if not meeting.submitted:
        raise Http404("Only a submitted review meeting is exported")
    placement = _placement(meeting.placement_id)
    view = review_selectors.review_view(meeting, placement, request.membership)
    reader = placement_selectors.placement_reader(placement, request.membership)
    data = pdf.render_pdf("print/review.html", {
        "view": view, "meeting": meeting, "placement": placement, "organisation": request.organisation,
        "label": placement_selectors.pupil_label(placement, reader),
        "footer": f"Review meeting R-{meeting.pk} · {placement.school.name}"})
    audit_request(request, action=AuditAction.EXPORT, obj=meeting, detail="Review meeting PDF")
    return pdf.pdf_response(data, f"review-meeting-R-{meeting.pk}.pdf")
