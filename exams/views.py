"""Exam entry pages (issue 14 item 5). Thin: reads in selectors, writes in services.

The school's exams officer and AP lead (`record_exam_entries`) record entries and results; the
provider's manager (`confirm_exam_entries`) confirms or says it cannot; members who read pupils at
the school, the provider or the school's trust read the entries (what of the pupil, the visibility
table decides: selectors.entry_view). LAs reach none (the scope).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
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
from tenancy.services import audit_request

from . import selectors, services
from .forms import AnswerForm, EntryForm, ResultForm
from .models import EntryState, ExamEntry

READERS = (K.SCHOOL, K.PROVIDER, K.TRUST)
PAGE_SIZE = 50


def _placement(pk) -> Placement:
    try:
        return placement_selectors.placement_get(pk)
    except Placement.DoesNotExist:
        raise Http404("No such placement") from None


def _entry(pk) -> ExamEntry:
    try:
        return selectors.entry_get(pk)
    except ExamEntry.DoesNotExist:
        raise Http404("No such exam entry") from None


def _detail_url(org, entry) -> str:
    return reverse("exams:entry_detail", kwargs={"org": org, "pk": entry.pk})


def _caption(placement, membership) -> str:
    return placement_selectors.list_label(placement, membership).text


@org_view(C.VIEW_PUPILS, kinds=READERS)
def entry_list(request, org):
    today = clock.today()
    show_all = request.GET.get("show") == "all"
    page = Paginator(selectors.entries_by_date(upcoming_from=None if show_all else today),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exams/entry_list.html", {
        "page": page, "rows": selectors.list_rows(page.object_list, request.membership), "show_all": show_all,
        "can_record": request.organisation.kind == K.SCHOOL and request.membership.can(C.RECORD_EXAM_ENTRIES),
    })


@org_view(C.RECORD_EXAM_ENTRIES, kinds=(K.SCHOOL,))
def entry_choose(request, org):
    page = Paginator(selectors.recordable_placements(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exams/entry_choose.html", {
        "page": page, "rows": selectors.placement_rows(page.object_list, request.membership)})


@org_view(C.VIEW_PUPILS, kinds=READERS)
def placement_entries(request, org, pk):
    placement = _placement(pk)
    return render(request, "exams/placement_entries.html", {
        "placement": placement, "label": _caption(placement, request.membership),
        "entries": selectors.placement_entries(placement),
        "can_record": (request.organisation.kind == K.SCHOOL and request.membership.can(C.RECORD_EXAM_ENTRIES)
                       and placement.state in services.RECORDABLE_STATES),
    })


def _save(request, org, placement, entry=None):
    initial = EntryForm.initial_from(entry) if entry else None
    form = EntryForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            entry = services.entry_save(placement=placement, entry=entry, values=form.values(), by=request.user,
                                        organisation=request.organisation, now=clock.now())
        if not form.errors:
            messages.success(request, "Exam entry saved: the provider is asked to confirm it")
            return redirect(_detail_url(org, entry))
    back = (_detail_url(org, entry) if entry
            else reverse("exams:placement_entries", kwargs={"org": org, "pk": placement.pk}))
    # The title names the entry being changed: a pupil's entries differ by qualification and series.
    title = f"Change the exam entry: {entry.qualification} ({entry.series})" if entry else "Record an exam entry"
    return render_form_page(request, form, title=title,
                            back_url=back, caption=_caption(placement, request.membership),
                            status=400 if form.errors else 200)


@org_view(C.RECORD_EXAM_ENTRIES, kinds=(K.SCHOOL,))
def entry_create(request, org, pk):
    return _save(request, org, _placement(pk))


@org_view(C.RECORD_EXAM_ENTRIES, kinds=(K.SCHOOL,))
def entry_edit(request, org, pk):
    entry = _entry(pk)
    if entry.grade:
        return redirect(_detail_url(org, entry))
    return _save(request, org, _placement(entry.placement_id), entry)


@org_view(C.VIEW_PUPILS, kinds=READERS)
def entry_detail(request, org, pk):
    entry = _entry(pk)
    membership, kind = request.membership, request.organisation.kind
    view = selectors.entry_view(entry, membership)
    audit_request(request, action=AuditAction.VIEW, obj=entry, detail="Exam entry")
    school_writer = kind == K.SCHOOL and membership.can(C.RECORD_EXAM_ENTRIES)
    return render(request, "exams/entry_detail.html", {
        "view": view, "entry": entry, "title": f"{entry.qualification} ({entry.series})",
        "can_edit": school_writer and not entry.grade,
        "can_result": school_writer and entry.state == EntryState.CONFIRMED,
        "can_answer": kind == K.PROVIDER and membership.can(C.CONFIRM_EXAM_ENTRIES) and not entry.grade,
    })


@org_view(C.CONFIRM_EXAM_ENTRIES, kinds=(K.PROVIDER,))
def entry_answer(request, org, pk):
    entry = _entry(pk)
    form = AnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        confirm = form.cleaned_data["answer"] == "confirm"
        with service_errors(form):
            services.entry_answer(entry=entry, confirm=confirm, reason=form.cleaned_data["reason"], by=request.user,
                                  organisation=request.organisation, now=clock.now())
        if not form.errors:
            messages.success(request, "Exam entry confirmed" if confirm else "The school has been told you cannot")
            return redirect(_detail_url(org, entry))
    return render_form_page(request, form, title=f"Confirm the exam entry: {entry.qualification}",
                            back_url=_detail_url(org, entry), caption=_caption(entry.placement, request.membership),
                            intro=f"{entry.series}, first exam {entry.first_exam_on:%-d %B %Y}. {entry.venue_text}.",
                            status=400 if form.errors else 200)


@org_view(C.RECORD_EXAM_ENTRIES, kinds=(K.SCHOOL,))
def entry_result(request, org, pk):
    entry = _entry(pk)
    form = ResultForm(posted(request), initial={"grade": entry.grade, "result_on": entry.result_on})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.entry_result(entry=entry, grade=form.cleaned_data["grade"],
                                  result_on=form.cleaned_data["result_on"], by=request.user,
                                  organisation=request.organisation, now=clock.now())
        if not form.errors:
            messages.success(request, "Result saved")
            return redirect(_detail_url(org, entry))
    return render_form_page(request, form, title=f"Record the result: {entry.qualification}",
                            back_url=_detail_url(org, entry), caption=_caption(entry.placement, request.membership),
                            status=400 if form.errors else 200)
