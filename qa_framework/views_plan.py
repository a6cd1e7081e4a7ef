"""Improvement plan pages (issue 13 item 4). Thin: reads in selectors, writes in services.

* The visit's owner — roles that run QA visits (`run_qa_visits`: the LA's QA officer; a school's
  headteacher and AP lead for its termly QA) — lists open actions (by RAG, overdue), adds rows to a
  visit's plan, changes them (only the RAG rating once the visit is signed) and closes them.
* The provider's manager (`manage_provider_profile`: the person who keeps the provider's
  due-diligence pack answers its QA) reads the plans of its completed visits and records progress
  with evidence. Other provider roles, trusts and other LAs have no plan pages; scope hides other
  organisations' rows (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from apcommission import clock
from apcommission.dashboards import link
from apcommission.forms import SubmitForm, posted, render_form_page, service_errors
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from . import selectors, services
from .forms_plan import ActionForm, ProgressForm
from .models import RAG, ImprovementAction, QAVisit

OWNERS = (K.LOCAL_AUTHORITY, K.SCHOOL)
QUEUE_LABELS = {selectors.OVERDUE: "Overdue improvement actions"}


def _visit(pk) -> QAVisit:
    try:
        return selectors.visit_get(pk)
    except QAVisit.DoesNotExist:
        raise Http404("No such QA visit") from None


def _action(pk) -> ImprovementAction:
    try:
        return selectors.action_get(pk)
    except ImprovementAction.DoesNotExist:
        raise Http404("No such improvement action") from None


def _own_visit(request, pk) -> QAVisit:
    visit = _visit(pk)
    if visit.owner_id != request.organisation.pk:
        raise Http404("Only the organisation that ran the visit keeps its plan")
    return visit


def _plan_url(org, visit_pk) -> str:
    return reverse("qa_framework:visit_plan", kwargs={"org": org, "pk": visit_pk})


def _caption(visit) -> str:
    return f"{visit.provider.name} · QA visit {visit.scheduled_for:%-d %B %Y}"


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def action_list(request, org):
    rag = request.GET.get("rag", "")
    rag = rag if rag in RAG.values else ""
    queue = selectors.OVERDUE if request.GET.get("queue") == selectors.OVERDUE else selectors.OPEN
    page = Paginator(selectors.actions_list(today=clock.today(), rag=rag, queue=queue),
                     selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    title = QUEUE_LABELS.get(queue) or (f"Open improvement actions rated {RAG(rag).label.lower()}" if rag
                                        else "Open improvement actions")
    return render(request, "qa_framework/plan_list.html", {
        "page": page, "rows": page.object_list, "title": title, "filtered": bool(rag) or queue != selectors.OPEN,
        "today": clock.today(),
    })


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def visit_plan(request, org, pk):
    visit = _own_visit(request, pk)
    return render(request, "qa_framework/plan_visit.html", {
        "visit": visit, "actions": selectors.visit_actions(visit), "today": clock.today(),
        "visit_url": link(request.membership, "qa_framework:visit_detail", pk=visit.pk)})


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def action_add(request, org, pk):
    visit = _own_visit(request, pk)
    form = ActionForm(posted(request), submit="Add the action")
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.action_add(visit=visit, values=form.cleaned_data, by=request.user,
                                organisation=request.organisation, now=clock.now())
        if not form.errors:
            messages.success(request, "Improvement action added")
            return redirect(_plan_url(org, visit.pk))
    return render_form_page(request, form, title="Add an improvement action", caption=_caption(visit),
                            back_url=_plan_url(org, visit.pk), status=400 if form.errors else 200)


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def action_edit(request, org, pk):
    action = _action(pk)
    form = ActionForm(posted(request), submit="Save the action", initial=ActionForm.initial_from(action))
    if action.visit.signed:  # the signed plan's wording and date stay as agreed; the RAG rating moves on
        for name in ActionForm.FIELDS:
            form.fields[name].disabled = name != "rag"
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.action_update(action=action, values=form.cleaned_data, by=request.user,
                                   organisation=request.organisation, now=clock.now())
        if not form.errors:
            messages.success(request, "Improvement action saved")
            return redirect(_plan_url(org, action.visit_id))
    return render_form_page(request, form, title="Improvement action", caption=_caption(action.visit),
                            back_url=_plan_url(org, action.visit_id), template="qa_framework/plan_action.html",
                            action=action, hide_form=action.done_on is not None,
                            status=400 if form.errors else 200)


@org_view(C.RUN_QA_VISITS, kinds=OWNERS)
def action_close(request, org, pk):
    action = _action(pk)
    form = SubmitForm(posted(request), submit="Close the action")
    if request.method == "POST":
        with service_errors(form):
            services.action_close(action=action, by=request.user, organisation=request.organisation, now=clock.now())
        if not form.errors:
            messages.success(request, "Improvement action closed")
            return redirect(_plan_url(org, action.visit_id))
    return render_form_page(request, form, title=f"Close “{action.area}”", caption=_caption(action.visit),
                            back_url=reverse("qa_framework:action_edit", kwargs={"org": org, "pk": action.pk}),
                            intro=["Close the action when it is done. Nobody is reminded about it after that."],
                            status=400 if form.errors else 200)


@org_view(C.MANAGE_PROVIDER_PROFILE, kinds=(K.PROVIDER,))
def provider_plan(request, org):
    page = Paginator(selectors.actions_list(today=clock.today(), queue=""),
                     selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "qa_framework/plan_provider.html", {"page": page, "rows": page.object_list,
                                                               "today": clock.today()})


@org_view(C.MANAGE_PROVIDER_PROFILE, kinds=(K.PROVIDER,))
def action_progress(request, org, pk):
    action = _action(pk)
    form = ProgressForm(posted(request), initial={"progress": action.progress, "evidence": action.evidence})
    back = reverse("qa_framework:provider_plan", kwargs={"org": org})
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.action_progress(action=action, by=request.user, organisation=request.organisation,
                                     now=clock.now(), **form.cleaned_data)
        if not form.errors:
            messages.success(request, "Progress saved")
            return redirect(back)
    return render_form_page(request, form, title=f"Progress on “{action.area}”", back_url=back,
                            caption=f"Improvement plan · {action.owner.name}",
                            template="qa_framework/plan_action.html", action=action, provider_view=True,
                            hide_form=action.done_on is not None, status=400 if form.errors else 200)
