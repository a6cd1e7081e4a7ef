"""Monitoring pages: a placement's visits and half-term windows, the visit record (draft, submit,
read, PDF), the visit owner, actions, the school's list of placements with a visit overdue and the
LA's counts per school. Thin: rules in monitoring.rules, reads in selectors, writes in services.
The visit record and the review meeting (review_views.py) share one form, read and PDF code path
(`RecordPages`, record_form_page/record_edit/record_detail/record_pdf, monitoring/_record_detail.html).

School roles with `record_visits` write; members who read pupils read (what of a record, the
visibility table decides: selectors.visit_view); a provider reads submitted records only (scope).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apcommission import clock, pdf
from apcommission.dashboards import link
from apcommission.forms import SubmitForm, posted, render_form_page, service_errors
from placements import selectors as placement_selectors
from placements.models import Placement
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from . import selectors, services
from .forms import VisitActionForm, VisitForm, VisitOwnerForm, VisitSettingsForm
from .models import Visit, VisitAction

OVERDUE_LABEL = "Placements with a visit overdue"
READERS = (K.SCHOOL, K.TRUST, K.PROVIDER)


def _placement(pk) -> Placement:
    try:
        return selectors.placement_get(pk)
    except Placement.DoesNotExist:
        raise Http404("No such placement") from None


def _visit(pk) -> Visit:
    try:
        return selectors.visit_get(pk)
    except Visit.DoesNotExist:
        raise Http404("No such visit") from None


def review_context(placement: Placement) -> dict:
    """The placement's review meetings for its monitoring page (monitoring/review_views.py)."""
    from . import review_selectors

    reviews = review_selectors.placement_reviews(placement)
    return {"reviews": reviews, "review_draft": any(not r.submitted for r in reviews),
            "next_review": review_selectors.next_review(placement)}


def _monitoring_url(request, placement_pk) -> str:
    return reverse("monitoring:placement_monitoring", kwargs={"org": request.organisation.slug, "pk": placement_pk})


@dataclass(frozen=True)
class RecordPages:
    """What differs between the pages of the school's records about a placement that are drafts until
    submitted (a visit record, a review meeting); the form, read and PDF pages are one code path."""

    name: str  # "Visit record": the heading, the audit detail, the messages, the PDF's footer and file name
    key: str  # "visit": monitoring:<key>_detail/_edit/_pdf, monitoring/<key>_detail.html, print/<key>.html
    prefix: str  # "V": the reference V-<pk>
    context_name: str  # the record's name in the templates
    get: Callable[[int], Any]  # the record by pk, in scope, or Http404
    view: Callable[..., Any]  # (record, placement, membership) -> what the member reads (visibility table)
    concerns: str  # the yes/no field whose "yes" sends the school to record a safeguarding concern

    def url_name(self, page: str) -> str:
        return f"monitoring:{self.key}_{page}"


def record_form_page(request, pages: RecordPages, placement: Placement, form, save, *, title: str, intro):
    """A draft record's form page: "draft" in the POST saves a draft (back to the monitoring page), else
    `save(submit=True)` submits it (to the record); the service's refusals become GOV.UK errors (400)."""
    if request.method == "POST" and form.is_valid():
        submit = "draft" not in request.POST
        with service_errors(form):
            record = save(submit=submit)
        if not form.errors:
            messages.success(request, f"{pages.name} submitted" if submit else f"{pages.name} saved as a draft")
            if submit:
                return redirect(pages.url_name("detail"), org=request.organisation.slug, pk=record.pk)
            return redirect(_monitoring_url(request, placement.pk))
    reader = placement_selectors.placement_reader(placement, request.membership)
    return render_form_page(
        request, form, title=title, back_url=_monitoring_url(request, placement.pk),
        caption=placement_selectors.pupil_label(placement, reader).text, intro=intro,
        status=400 if form.errors else 200)


def record_edit(request, pages: RecordPages, pk, form_page):
    """Continue a draft (`form_page(request, placement, record)`); a submitted record does not change."""
    record = pages.get(pk)
    if record.submitted:
        return redirect(pages.url_name("detail"), org=request.organisation.slug, pk=record.pk)
    return form_page(request, _placement(record.placement_id), record)


def record_detail(request, pages: RecordPages, pk):
    record = pages.get(pk)
    placement = _placement(record.placement_id)
    view = pages.view(record, placement, request.membership)
    audit_request(request, action=AuditAction.VIEW, obj=record, detail=pages.name)
    reader = placement_selectors.placement_reader(placement, request.membership)
    return render(request, f"monitoring/{pages.key}_detail.html", {
        "view": view, pages.context_name: record, "record": record, "pages": pages, "placement": placement,
        "label": placement_selectors.pupil_label(placement, reader),
        "can_record": request.membership.can(C.RECORD_VISITS) and request.organisation.kind == K.SCHOOL,
        "back_url": _monitoring_url(request, placement.pk),
        # Concerns' details go into a restricted record (safeguarding app), never into the record.
        "safeguarding_url": (link(request.membership, "safeguarding:concern_create", pk=placement.pk)
                             if getattr(record, pages.concerns) and request.organisation.kind == K.SCHOOL else None),
    })


def record_pdf(request, pages: RecordPages, pk):
    record = pages.get(pk)
    if not record.submitted:
        raise Http404(f"Only a submitted {pages.name.lower()} is exported")
    placement = _placement(record.placement_id)
    view = pages.view(record, placement, request.membership)
    reader = placement_selectors.placement_reader(placement, request.membership)
    reference = f"{pages.prefix}-{record.pk}"
    data = pdf.render_pdf(f"print/{pages.key}.html", {
        "view": view, pages.context_name: record, "placement": placement, "organisation": request.organisation,
        "label": placement_selectors.pupil_label(placement, reader),
        "footer": f"{pages.name} {reference} · {placement.school.name}"})
    audit_request(request, action=AuditAction.EXPORT, obj=record, detail=f"{pages.name} PDF")
    return pdf.pdf_response(data, f"{pages.name.lower().replace(' ', '-')}-{reference}.pdf")


@org_view(C.VIEW_PUPILS, kinds=READERS)
def placement_monitoring(request, org, pk):
    placement = _placement(pk)
    today = clock.today()
    membership = request.membership
    reader = placement_selectors.placement_reader(placement, membership)
    school_side = request.organisation.kind != K.PROVIDER
    visits = list(selectors.placement_visits(placement))
    audit_request(request, action=AuditAction.VIEW, obj=placement, detail="Monitoring page")
    return render(request, "monitoring/placement.html", {
        "placement": placement, "label": placement_selectors.pupil_label(placement, reader),
        "windows": selectors.placement_windows(placement, today=today) if school_side else [],
        "owner": selectors.visit_owner(placement) if school_side else None,
        "visits": visits, "school_side": school_side,
        "can_record": membership.can(C.RECORD_VISITS) and request.organisation.kind == K.SCHOOL,
        **review_context(placement),
        "requirement": selectors.visit_requirement(placement, today=today) if school_side else None,
        "settings_url": link(membership, "monitoring:visit_settings"),
        "reports_url": link(membership, "monitoring:report_list", pk=placement.pk),
    })


@org_view(C.SIGN_AGREEMENTS, kinds=(K.SCHOOL,))  # who agrees the SLA's number sets the school's own
def visit_settings(request, org):
    current = selectors.visit_settings(request.organisation)
    form = VisitSettingsForm(posted(request), initial={"visits_per_half_term": current.visits_per_half_term})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.visit_settings_save(school=request.organisation, by=request.user, now=clock.now(),
                                         visits_per_half_term=form.cleaned_data["visits_per_half_term"])
        if not form.errors:
            messages.success(request, "Visit settings saved")
            return redirect("monitoring:visit_settings", org=org)
    return render_form_page(request, form, title="Visit settings", caption=request.organisation.name,
                            back_url=reverse("dashboard", kwargs={"org": org}), back_label="Back to the dashboard",
                            intro="How often the school visits a pupil at an alternative provider, unless the "
                                  "signed service level agreement with the provider says.")


@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def visit_owner(request, org, pk):
    placement = _placement(pk)
    staff = selectors.visiting_staff(request.organisation)
    owner = selectors.visit_owner(placement)
    form = VisitOwnerForm(posted(request), staff=staff, initial={"owner": owner.pk if owner else None})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.visit_owner_set(placement=placement, owner=form.cleaned_data["owner"], by=request.user,
                                     organisation=request.organisation, now=clock.now())
        if not form.errors:
            messages.success(request, "Visit owner saved")
            return redirect(_monitoring_url(request, placement.pk))
    reader = placement_selectors.placement_reader(placement, request.membership)
    return render_form_page(request, form, title="Visit owner", back_url=_monitoring_url(request, placement.pk),
                            caption=placement_selectors.pupil_label(placement, reader).text)


VISIT_PAGES = RecordPages(name="Visit record", key="visit", prefix="V", context_name="visit", get=_visit,
                          view=selectors.visit_view, concerns="safeguarding_concerns")


def _visit_form_page(request, placement, visit=None):
    now = clock.now()
    staff = selectors.visiting_staff(request.organisation)
    if visit is not None:
        initial = VisitForm.initial_from(visit)
    else:
        initial = {"visited_on": clock.today(), "visitor": request.user.pk if staff.filter(pk=request.user.pk).exists()
                   else None, "attendance_percent": selectors.attendance_prefill(placement, now=now)}
    form = VisitForm(posted(request), staff=staff, initial=initial)

    def save(submit):
        return services.visit_save(placement=placement, values=form.values(), by=request.user,
                                   organisation=request.organisation, now=now, submit=submit, visit=visit)

    return record_form_page(request, VISIT_PAGES, placement, form, save, title="Record a visit",
                            intro="Save and come back later to finish it on another day; submit it when it is complete.")


@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def visit_create(request, org, pk):
    return _visit_form_page(request, _placement(pk))


@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def visit_edit(request, org, pk):
    return record_edit(request, VISIT_PAGES, pk, _visit_form_page)


@org_view(C.VIEW_PUPILS, kinds=READERS)
def visit_detail(request, org, pk):
    return record_detail(request, VISIT_PAGES, pk)


@org_view(C.VIEW_PUPILS, kinds=READERS)
def visit_pdf(request, org, pk):
    return record_pdf(request, VISIT_PAGES, pk)


@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def visit_action_add(request, org, pk):
    visit = _visit(pk)
    form = VisitActionForm(posted(request), today=clock.today())
    detail_url = reverse("monitoring:visit_detail", kwargs={"org": org, "pk": visit.pk})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.visit_action_add(visit=visit, by=request.user, organisation=request.organisation,
                                      **form.cleaned_data)
        if not form.errors:
            messages.success(request, "Action added")
            return redirect(detail_url)
    return render_form_page(request, form, title="Add an action", back_url=detail_url,
                            caption=f"Visit record V-{visit.pk}")


@require_POST
@org_view(C.RECORD_VISITS, kinds=(K.SCHOOL,))
def visit_action_done(request, org, pk):
    try:
        action = selectors.action_get(pk)
    except VisitAction.DoesNotExist:
        raise Http404("No such action") from None
    form = SubmitForm(request.POST, submit="Mark as done")
    with service_errors(form):
        services.visit_action_done(action=action, by=request.user, organisation=request.organisation, now=clock.now())
    messages.success(request, "Action marked as done")
    return redirect("monitoring:visit_detail", org=org, pk=action.visit_id)


@org_view(C.VIEW_PUPILS, kinds=(K.SCHOOL, K.TRUST))
def visit_list(request, org):
    today = clock.today()
    overdue = request.GET.get("queue") == selectors.OVERDUE
    page = Paginator(selectors.monitoring_list(today=today, queue=selectors.OVERDUE if overdue else ""),
                     selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring/list.html", {
        "page": page, "rows": selectors.list_rows(page.object_list, request.membership),
        "queue": {"name": selectors.OVERDUE, "label": OVERDUE_LABEL} if overdue else None,
    })


@org_view(C.VIEW_AREA, kinds=(K.LOCAL_AUTHORITY,))
def area_overdue(request, org):
    rows = selectors.area_overdue_by_school(today=clock.today())
    return render(request, "monitoring/area.html", {"rows": rows, "total": sum(r["placements"] for r in rows)})
