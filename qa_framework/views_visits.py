"""QA visit pages (issue 13 items 2-3). Thin: writes in qa_framework.visits, the rule in
qa_framework.rules.

* Roles with `run_qa_visits` — an LA's QA officer, and a school's headteacher and AP lead for the
  school's termly QA of its providers (the same pages: qa_framework.visits says who visits whom
  on which framework) — list, schedule, start and record their organisation's own visits (a
  visit of another organisation is a 404, even an LA report shared with the school): the first page, one
  page per theme (a judgement and evidence per standard, the theme's comments; "Save and continue"
  or "Save and come back later" both save what was answered, so nothing needs JavaScript; with it,
  static/src/qa-autosave.js also saves a theme page while the officer types, through
  `visit_theme_autosave`), a task list of what is complete, and completing with the outcome.
* The read-only report: roles with `view_agreements` of the LA, the provider (once the visit is
  completed: the scope decides) and a school (only a signed visit its LA shared with schools).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apcommission import clock
from apcommission.forms import SubmitForm, posted, render_form_page, service_errors
from placements.templatetags.formatting import govuk_time
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from . import visits
from .forms_visit import OutcomeForm, OverviewForm, ScheduleForm, ThemeForm, VisitFilterForm
from .models import Outcome, QAVisit, VisitState

OWNERS = tuple(visits.OWNER_PURPOSE)  # the LA, and a school for its termly QA
SCHOOL_OUTCOME_NOTE = ("This is your school's own record of its termly quality assurance: it does not change "
                       "the local authority's approved list.")
REPORT_READERS = (K.LOCAL_AUTHORITY, K.PROVIDER, K.SCHOOL)
AUTOSAVE_LOCKED = {VisitState.SCHEDULED: "the visit has not started: start it from its page",
                   VisitState.COMPLETED: "this visit is completed and cannot be changed",
                   VisitState.SIGNED: "this visit is signed and cannot be changed"}


def _visit(pk) -> QAVisit:
    try:
        return visits.visit_get(pk)
    except QAVisit.DoesNotExist:
        raise Http404("No such QA visit") from None


def _own_visit(request, pk) -> QAVisit:
    """A visit the organisation runs: the pages that record one never open another's (404)."""
    visit = _visit(pk)
    if visit.owner_id != request.organisation.pk:
        raise Http404("No such QA visit")
    return visit


def _url(name: str, request, **kwargs) -> str:
    return reverse(f"qa_framework:{name}", kwargs={"org": request.organisation.slug, **kwargs})


def _caption(visit: QAVisit) -> str:
    return f"QA visit to {visit.provider.name}"


def _not_in_progress(request, visit):
    """A page that records answers, opened on a visit that is not in progress: where to go instead."""
    if visit.state == VisitState.IN_PROGRESS:
        return None
    if visit.state != VisitState.SCHEDULED:
        messages.info(request, "This visit is completed: its report cannot be changed")
    return redirect(_url("visit_detail", request, pk=visit.pk))


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def visit_list(request, org):
    form = VisitFilterForm(request.GET or None, providers=visits.visitable_providers(request.organisation))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(visits.visit_list(state=filters.get("state", ""), provider=filters.get("provider"),
                                       owner=request.organisation),
                     visits.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "qa_framework/visit_list.html", {"form": form, "page": page, "filtered": bool(filters)})


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def visit_schedule(request, org):
    owner = request.organisation
    form = ScheduleForm(posted(request), providers=visits.visitable_providers(owner), staff=visits.qa_staff(owner),
                        frameworks=visits.visit_frameworks(visits.OWNER_PURPOSE[owner.kind]),
                        provider_help=visits.PROVIDER_HELP[owner.kind],
                        initial={"owner_representative": request.user.pk, "scheduled_for": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form):
            visit = visits.qa_visit_schedule(
                owner=owner, provider=data["provider"], framework=data["framework"], scheduled_for=data["scheduled_for"],
                owner_representative=data["owner_representative"],
                provider_representative=data["provider_representative"], by=request.user, now=clock.now())
        if not form.errors:
            messages.success(request, "QA visit scheduled")
            return redirect(_url("visit_detail", request, pk=visit.pk))
    return render_form_page(request, form, title="Schedule a QA visit", back_url=_url("visit_list", request),
                            status=400 if form.errors else 200)


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def visit_detail(request, org, pk):
    """The visit's task list: the first page and each theme, complete or not, then completion."""
    visit = _own_visit(request, pk)
    progress = visits.theme_progress(visit) if visit.state == VisitState.IN_PROGRESS else []
    return render(request, "qa_framework/visit_detail.html", {
        "visit": visit, "progress": progress, "overview_complete": visits.overview_complete(visit),
        "all_judged": bool(progress) and all(p.complete for p in progress),
        "start_form": SubmitForm(submit="Start the visit") if visit.state == VisitState.SCHEDULED else None,
    })


@require_POST
@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def visit_start(request, org, pk):
    visit = _own_visit(request, pk)
    form = SubmitForm(request.POST, submit="Start the visit")
    with service_errors(form):
        visits.qa_visit_start(visit=visit, by=request.user, organisation=request.organisation, now=clock.now())
    if form.errors:
        for error in form.non_field_errors():
            messages.error(request, error)
    else:
        messages.success(request, "Visit started: what the service knows about the provider is filled in")
    return redirect(_url("visit_detail", request, pk=visit.pk))


def _after_save(request, visit, next_url: str):
    if "later" in request.POST:
        messages.success(request, "Your answers are saved")
        return redirect(_url("visit_detail", request, pk=visit.pk))
    return redirect(next_url)


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def visit_overview(request, org, pk):
    visit = _own_visit(request, pk)
    elsewhere = _not_in_progress(request, visit)
    if elsewhere:
        return elsewhere
    form = OverviewForm(posted(request), initial={name: getattr(visit, name) for name in visits.OVERVIEW_FIELDS})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            visits.qa_visit_save(visit=visit, overview=form.values(), by=request.user,
                                 organisation=request.organisation, now=clock.now())
        if not form.errors:
            themes = visits.visit_themes(visit)
            first = _url("visit_theme", request, pk=visit.pk, number=themes[0].number) if themes else \
                _url("visit_detail", request, pk=visit.pk)
            return _after_save(request, visit, first)
    return render_form_page(request, form, title="The provider", caption=_caption(visit),
                            back_url=_url("visit_detail", request, pk=visit.pk), back_label="Back to the visit",
                            intro="Filled in from the provider's due-diligence pack when the visit started: "
                                  "check it with the provider and change what is not right.",
                            status=400 if form.errors else 200)


def _theme(visit: QAVisit, number: int):
    """(the visit's themes, the one numbered `number`): 404 if the version has no such theme."""
    themes = visits.visit_themes(visit)
    theme = next((t for t in themes if t.number == number), None)
    if theme is None:
        raise Http404("No such theme")
    return themes, theme


def _theme_form(request, visit: QAVisit, theme) -> ThemeForm:
    rows, comment = visits.theme_rows(visit, theme)
    return ThemeForm(posted(request), standards=[row.standard for row in rows], scale=visit.version.scale,
                     initial=ThemeForm.initial_from(rows, comment),
                     autosave_url=_url("visit_theme_autosave", request, pk=visit.pk, number=theme.number))


def _save_theme(request, visit: QAVisit, theme, form: ThemeForm) -> None:
    """The theme's answers saved (the buttons and the autosave): refusals go to the form's errors."""
    with service_errors(form):
        visits.qa_visit_save(visit=visit, judgements=form.judgements(), comments={theme.pk: form.cleaned_data["comment"]},
                             by=request.user, organisation=request.organisation, now=clock.now())


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def visit_theme(request, org, pk, number):
    visit = _own_visit(request, pk)
    elsewhere = _not_in_progress(request, visit)
    if elsewhere:
        return elsewhere
    themes, theme = _theme(visit, number)
    form = _theme_form(request, visit, theme)
    if request.method == "POST" and form.is_valid():
        _save_theme(request, visit, theme, form)
        if not form.errors:
            later = [t for t in themes if t.number > theme.number]
            return _after_save(request, visit, _url("visit_theme", request, pk=visit.pk, number=later[0].number)
                               if later else _url("visit_detail", request, pk=visit.pk))
    position = themes.index(theme) + 1
    return render_form_page(request, form, title=f"{theme.number}. {theme.title}",
                            caption=f"{_caption(visit)} · theme {position} of {len(themes)}",
                            back_url=_url("visit_detail", request, pk=visit.pk), back_label="Back to the visit",
                            intro="Choose a judgement for each standard and write the evidence you saw. "
                                  "Your answers are saved as you go; both buttons save them too.",
                            template="qa_framework/visit_theme.html", status=400 if form.errors else 200)


@require_POST
@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def visit_theme_autosave(request, org, pk, number):
    """The theme page's autosave (static/src/qa-autosave.js posts the page's form while the officer
    types): the same save as the page's buttons, answered in JSON for the page's status line —
    200 {"saved": true, "saved_at": "10:42am"}; 400 {"saved": false, "message"} when the answers
    are refused (a level not on the scale); 409 when the visit is not in progress (completed or
    signed visits never change). Another organisation's visit is a 404, a role without
    run_qa_visits a 403, like the page."""
    visit = _own_visit(request, pk)
    _themes, theme = _theme(visit, number)
    if visit.state != VisitState.IN_PROGRESS:
        return JsonResponse({"saved": False, "message": AUTOSAVE_LOCKED[visit.state]}, status=409)
    form = _theme_form(request, visit, theme)
    if form.is_valid():
        _save_theme(request, visit, theme, form)
    if form.errors:
        problems = [str(error) for errors in form.errors.values() for error in errors]
        return JsonResponse({"saved": False, "message": "; ".join(problems)}, status=400)
    return JsonResponse({"saved": True, "saved_at": govuk_time(clock.now())})


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def visit_complete(request, org, pk):
    visit = _own_visit(request, pk)
    elsewhere = _not_in_progress(request, visit)
    if elsewhere:
        return elsewhere
    suggested = visits.outcome_suggestion(visit)
    form = OutcomeForm(posted(request), suggested=suggested, initial={"outcome": suggested})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            visits.qa_visit_complete(visit=visit, outcome=form.cleaned_data["outcome"],
                                     outcome_reason=form.cleaned_data["outcome_reason"], by=request.user,
                                     organisation=request.organisation, now=clock.now())
        if not form.errors:
            messages.success(request, "Visit completed: the provider can now read the report")
            return redirect(_url("visit_report", request, pk=visit.pk))
    missing = visits.missing_judgements(visit)
    return render_form_page(request, form, title="Complete the visit", caption=_caption(visit),
                            back_url=_url("visit_detail", request, pk=visit.pk), back_label="Back to the visit",
                            template="qa_framework/visit_complete.html", suggested=Outcome(suggested) if suggested else None,
                            missing=missing, status=400 if form.errors else 200,
                            outcome_note=SCHOOL_OUTCOME_NOTE if visit.owner.kind == K.SCHOOL else "")


@org_view(C.VIEW_AGREEMENTS, kinds=(K.PROVIDER, K.SCHOOL))
def report_list(request, org):
    """The QA reports the organisation reads: a provider its completed and signed visits, a school
    the signed visits its LA shared."""
    page = Paginator(visits.visit_list(), visits.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "qa_framework/visit_reports.html", {"page": page})


@org_view(C.VIEW_AGREEMENTS, kinds=REPORT_READERS)
def visit_report(request, org, pk):
    visit = _visit(pk)
    if request.organisation.kind != K.LOCAL_AUTHORITY:
        audit_request(request, action=AuditAction.VIEW, obj=visit, detail="QA visit report")
    is_owner = request.organisation.pk == visit.owner_id
    return render(request, "qa_framework/visit_report.html", {
        "visit": visit, "themes": visits.visit_report(visit),
        "back_url": _url("visit_detail", request, pk=visit.pk) if is_owner and request.membership.can(C.RUN_QA_VISITS)
        else (_url("report_list", request) if not is_owner else ""),
    })
