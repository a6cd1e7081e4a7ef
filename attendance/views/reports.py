"""The school's attendance pages: this week and every live placement's percentage, a placement's
week-by-week chart and sessions, the school's own code for an absence, and the CSV an MIS imports.

School members with `view_attendance` use them all; a trust's members read its schools' pages
(the scoping layer gives a trust its schools' placements and sessions) but do not set codes or
export a school's register. LAs and providers follow attendance elsewhere (the LA's area list,
the provider's registers).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from apcommission import clock
from apcommission.forms import posted, render_form_page, service_errors
from placements import selectors as placement_selectors
from placements.models import Placement
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope
from tenancy.services import audit_request
from tenancy.visibility import DataGroup

from .. import reports, rules
from ..dashboard import BELOW_TARGET_LABEL
from ..models import ExpectedSession
from ..report_forms import ExportForm, SchoolCodeForm

READERS = (K.SCHOOL, K.TRUST)
AM_PM = (("am", "morning"), ("pm", "afternoon"), ("day", "all day"))


@org_view(C.VIEW_ATTENDANCE, kinds=READERS)
def school_attendance(request, org):
    now = clock.now()
    today = now.astimezone(clock.LONDON).date()
    below = request.GET.get("queue") == reports.BELOW_TARGET
    page = Paginator(reports.placement_figures(now=now, queue=reports.BELOW_TARGET if below else ""),
                     reports.PLACEMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    first, last = rules.week_of(today)
    return render(request, "attendance/report_school.html", {
        "page": page, "rows": reports.placement_rows(page.object_list, request.membership),
        # A dashboard figure's list: exactly the placements it counts (attendance/dashboard.py).
        "queue": {"name": reports.BELOW_TARGET, "label": BELOW_TARGET_LABEL} if below else None,
        "week": [] if below else reports.week_sessions(first=first, last=last, membership=request.membership, now=now),
        "first": first, "last": last,
        "can_export": request.organisation.kind == K.SCHOOL, "can_set_codes": request.organisation.kind == K.SCHOOL,
    })


def _placement(pk) -> Placement:
    try:
        return reports.placement_get(pk)
    except Placement.DoesNotExist as exc:
        raise Http404("No such placement") from exc


@org_view(C.VIEW_ATTENDANCE, kinds=READERS)
def placement_attendance(request, org, pk):
    placement = _placement(pk)
    reader = placement_selectors.placement_reader(placement, request.membership)
    if not reader.can(DataGroup.ATTENDANCE):
        raise PermissionDenied("Your role does not read attendance.")
    now = clock.now()
    weeks = reports.placement_weeks(placement, now=now)
    page = Paginator(reports.placement_session_list(placement), reports.SESSION_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "attendance/report_placement.html", {
        "placement": placement, "label": placement_selectors.pupil_label(placement, reader),
        "figures": reports.placement_figures_for(placement, now=now),
        "pupil_figures": reports.pupil_figures_for(placement, now=now),
        "weeks": weeks, "chart": rules.chart(weeks, target=placement.target) if weeks else None,
        "page": page, "sessions": reports.session_rows(page.object_list, request.membership, now=now),
        "can_set_codes": request.organisation.kind == K.SCHOOL,
    })


def _session(pk) -> ExpectedSession:
    try:
        return ExpectedSession.objects.select_related("placement", "placement__pupil", "provider").get(pk=pk)
    except ExpectedSession.DoesNotExist as exc:
        raise Http404("No such session") from exc


@org_view(C.VIEW_ATTENDANCE, kinds=(K.SCHOOL,))
def session_code(request, org, pk):
    session = _session(pk)
    back = reverse("attendance:placement_attendance", kwargs={"org": org, "pk": session.placement_id})
    label = placement_selectors.list_label(session.placement, request.membership).text
    title = "The school's code for this absence"
    caption = f"{label}, {session.date:%-d %B %Y} {dict(AM_PM).get(session.part, session.part)}"
    form = SchoolCodeForm(posted(request), initial={"code": session.school_code or rules.AbsenceCode.N})
    if not rules.can_choose_code(session, session.placement):
        form.is_valid()
        form.add_error(None, "The school chooses a code only for a session the provider marked absent"
                       if session.mark != "absent" else
                       "The pupil is dual registered: the other school records the absence")
        return render_form_page(request, form, title=title, caption=caption, back_url=back, hide_form=True,
                                status=409)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            reports.school_code_set(session=session, code=form.cleaned_data["code"], by=request.user,
                                    organisation=request.organisation, now=clock.now())
            messages.success(request, f"Code {form.cleaned_data['code']} recorded for {caption}.")
            return redirect(back)
    provider_reason = session.get_absence_reason_display()
    return render_form_page(
        request, form, title=title, caption=caption, back_url=back, status=400 if form.errors else 200,
        intro=[f"The provider marked the pupil absent: {provider_reason.lower()}." if provider_reason else "",
               session.note and f"The provider's note: {session.note}"])


class _Echo:
    """csv.writer's file: hands each formatted line back to the streaming response."""

    def write(self, value):
        return value


@org_view(C.VIEW_ATTENDANCE, kinds=(K.SCHOOL,))
def export_csv(request, org):
    now = clock.now()
    today = now.astimezone(clock.LONDON).date()
    first, _ = rules.week_of(today)
    form = ExportForm(request.GET if "first_0" in request.GET else None,
                      initial={"first": first, "last": today})
    if form.is_bound and form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        audit_request(request, action=AuditAction.EXPORT, obj=request.organisation,
                      detail=f"Attendance CSV {first:%Y-%m-%d} to {last:%Y-%m-%d}")
        membership, organisation = request.membership, request.organisation
        writer = csv.writer(_Echo())

        def lines():
            # The response streams after the request's scope has closed: read inside the same scope.
            with scope(organisation=organisation, membership=membership):
                yield writer.writerow(reports.CSV_HEADER)
                for row in reports.export_rows(first=first, last=last, membership=membership, now=now):
                    yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        filename = f"attendance-{organisation.slug}-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render_form_page(
        request, form, title="Download attendance for your MIS", status=400 if form.errors else 200,
        back_url=reverse("attendance:school_attendance", kwargs={"org": org}),
        intro=["A CSV file with one row per register session: date, session (AM or PM), UPN, the school's code and "
               "minutes late. Sessions not required and registers not due yet are left out.",
               "It starts with this week. Change the dates for another period (a year or less)."])
