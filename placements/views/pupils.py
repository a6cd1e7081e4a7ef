"""Pupils: their details, special-category record, parents or carers and other agencies."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apcommission.forms import posted, render_form_page, service_errors
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from .. import forms as f
from .. import selectors, services
from ..models import (
    OtherAgency,
    ParentCarer,
    Pupil,
)
from ._common import (
    SCHOOL,
    _can_special,
    _next,
)


@org_view(C.VIEW_PUPILS, kinds=(K.SCHOOL, K.TRUST))
def pupil_list_view(request, org):
    page = Paginator(selectors.pupil_list(), 50).get_page(request.GET.get("page"))
    can_add = request.organisation.is_school and request.membership.can(C.MANAGE_PUPILS)
    return render(request, "placements/pupil_list.html", {"page": page, "can_add": can_add})


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
def pupil_create(request, org):
    form = f.PupilForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            pupil = services.pupil_create(school=request.organisation, data=form.cleaned_data)
            audit_request(request, action=AuditAction.CREATE, obj=pupil)
            messages.success(request, f"{pupil} added.")
            return redirect("placements:pupil_detail", org=org, pk=pupil.pk)
    return render_form_page(request, form, title="Add a pupil", back_url=reverse("placements:pupil_list", kwargs={"org": org}),
                            caption=request.organisation.name)


@org_view(C.VIEW_PUPILS, kinds=(K.SCHOOL, K.TRUST))
def pupil_detail(request, org, pk):
    pupil = get_object_or_404(selectors.pupil_list(), pk=pk)
    view = selectors.pupil_view(pupil, membership=request.membership)
    can_manage = request.organisation.is_school and request.membership.can(C.MANAGE_PUPILS)
    ctx = {"pupil": pupil, "view": view, "can_manage": can_manage,
           "can_manage_special": can_manage and _can_special(request),
           "sensitive_sections": f.SENSITIVE_SECTIONS,
           "can_refer": request.organisation.is_school and request.membership.can(C.MAKE_REFERRALS),
           "placements": selectors.placements_for_pupil(pupil)}
    audit_request(request, action=AuditAction.VIEW, obj=pupil,
                  detail="including special-category data" if view.shows_special else "")
    return render(request, "placements/pupil_detail.html", ctx)


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
def pupil_edit(request, org, pk):
    pupil = get_object_or_404(Pupil, pk=pk)
    form = f.PupilForm(posted(request), instance=pupil)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            services.pupil_update(pupil=pupil, data=form.cleaned_data)
            audit_request(request, action=AuditAction.CHANGE, obj=pupil)
            messages.success(request, "Pupil details saved.")
            return redirect(_next(request, reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk})))
    return render_form_page(request, form, title=f"Change {pupil}'s details",
                            back_url=reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk}), caption=str(pupil))


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
def pupil_sensitive_edit(request, org, pk):
    _require_special(request)
    pupil = get_object_or_404(Pupil, pk=pk)
    sensitive = selectors.pupil_sensitive(pupil)
    section = request.GET.get("section", "safeguarding")
    if section not in f.SENSITIVE_SECTIONS:
        raise Http404
    title = f.SENSITIVE_SECTIONS[section][0]
    form = f.PupilSensitiveForm(posted(request), instance=sensitive, section=section)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            record = services.pupil_sensitive_save(pupil=pupil, data=form.cleaned_data)
            audit_request(request, action=AuditAction.CHANGE, obj=record, detail=f"special-category record: {title}")
            messages.success(request, f"{title}: saved.")
            return redirect(_next(request, reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk})))
    if sensitive is not None:
        audit_request(request, action=AuditAction.VIEW, obj=sensitive, detail="special-category record (edit form)")
    return render_form_page(request, form, title=f"{title} for {pupil}",
                            back_url=reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk}), caption=str(pupil),
                            intro="This is special-category data. Only staff whose role needs it can see it, and every "
                                  "view is recorded in the audit log.")


def _pupil_part_add(request, org, pk, *, form_class, add, name_of, title: str):
    pupil = get_object_or_404(Pupil, pk=pk)
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            added = add(pupil=pupil, data=form.cleaned_data)
            audit_request(request, action=AuditAction.CREATE, obj=added)
            messages.success(request, f"{name_of(added)} added.")
            return redirect(_next(request, reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk})))
    return render_form_page(request, form, title=title.format(pupil=pupil), caption=str(pupil),
                            back_url=reverse("placements:pupil_detail", kwargs={"org": org, "pk": pk}))


def _pupil_part_remove(request, org, pk, *, obj, name: str, remove):
    audit_request(request, action=AuditAction.DELETE, obj=obj)
    remove()
    messages.success(request, f"{name} removed.")
    return redirect("placements:pupil_detail", org=org, pk=pk)


def _require_special(request) -> None:
    if not _can_special(request):
        raise PermissionDenied("Your role does not allow special-category data.")


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
def parent_add(request, org, pk):
    return _pupil_part_add(request, org, pk, form_class=f.ParentCarerForm, add=services.parent_carer_add,
                           name_of=lambda parent: parent.name, title="Add a parent or carer for {pupil}")


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
@require_POST
def parent_remove(request, org, pk, cpk):
    parent = get_object_or_404(ParentCarer, pk=cpk, pupil_id=pk)
    return _pupil_part_remove(request, org, pk, obj=parent, name=parent.name,
                              remove=lambda: services.parent_carer_remove(parent=parent))


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
def agency_add(request, org, pk):
    _require_special(request)
    return _pupil_part_add(request, org, pk, form_class=f.AgencyForm, add=services.agency_add,
                           name_of=lambda agency: agency.agency, title="Add another agency involved with {pupil}")


@org_view(C.MANAGE_PUPILS, kinds=SCHOOL)
@require_POST
def agency_remove(request, org, pk, apk):
    _require_special(request)
    agency = get_object_or_404(OtherAgency, pk=apk, pupil_id=pk)
    return _pupil_part_remove(request, org, pk, obj=agency, name=agency.agency,
                              remove=lambda: services.agency_remove(agency=agency))
