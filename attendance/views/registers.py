"""Taking registers (provider staff) and telling the provider of an absence in advance (school).
Thin: reads come from attendance.selectors, writes from attendance.services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from apcommission import clock
from apcommission.forms import posted, render_form_page, service_errors
from placements.models import Placement
from placements.selectors import list_label, placement_get
from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.services import audit_request

from .. import selectors, services
from ..forms import KnownAbsenceForm, MarkChangeForm, RegisterForm
from ..models import ExpectedSession, Register

PROVIDER = (K.PROVIDER,)
SCHOOL = (K.SCHOOL,)


def _day(request, today: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return today


@org_view(C.SUBMIT_REGISTERS, kinds=PROVIDER)
def register_list(request, org):
    """The registers of a day (today in England unless ?date=YYYY-MM-DD), in start order."""
    now = clock.now()
    today = now.astimezone(clock.LONDON).date()
    day = _day(request, today)
    return render(request, "attendance/register_list.html", {
        "day": day, "today": today, "rows": selectors.registers_on(day, now=now),
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
    })


def _register(pk) -> Register:
    try:
        return selectors.register_get(pk)
    except Register.DoesNotExist as exc:
        raise Http404("No such register") from exc


def _register_url(org, register) -> str:
    return reverse("attendance:register_detail", kwargs={"org": org, "pk": register.pk})


@org_view(C.SUBMIT_REGISTERS, kinds=PROVIDER)
def register_detail(request, org, pk):
    """One register: mark each pupil and submit; once submitted, the marks with their history and a
    way to change each with a reason."""
    register = _register(pk)
    now = clock.now()
    rows = selectors.register_rows(register, request.membership)
    status = 200
    form = None
    if not register.is_submitted:
        if request.method == "POST" and "everyone_present" in request.POST:
            form = RegisterForm(rows=rows, initial=RegisterForm.everyone_present(rows))
        else:
            form = RegisterForm(posted(request), rows=rows)
        if request.method == "POST" and "everyone_present" not in request.POST:
            if form.is_valid():
                with service_errors(form):
                    result = services.register_submit(register=register, marks=form.marks(),
                                                      key=form.cleaned_data["key"], by=request.user,
                                                      organisation=request.organisation, now=now)
                    audit_request(request, action=AuditAction.CHANGE, obj=register,
                                  detail="register submitted again (nothing changed)" if result.repeated
                                  else f"register submitted: {result.marks_written} marks")
                    messages.success(request, "Register submitted")
                    return redirect(_register_url(org, register))
            status = 400
    elif request.method == "POST":
        # Submitted already: a repeated post (a retry with the page's key) lands on the register.
        key = request.POST.get("key", "")
        if _is_uuid(key) and register.submissions.filter(key=key).exists():
            messages.success(request, "Register submitted")
            return redirect(_register_url(org, register))
        messages.error(request, "This register has already been submitted. To change a mark, choose Change "
                                "next to the pupil and give a reason.")
        return redirect(_register_url(org, register))
    audit_request(request, action=AuditAction.VIEW, obj=register, detail="register")
    return render(request, "attendance/register_detail.html", {
        "register": register, "rows": rows, "form": form,
        "status": selectors.register_status(register, now=now),
        "storage_key": f"apc-register-{org}-{register.pk}",
    }, status=status)


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@org_view(C.SUBMIT_REGISTERS, kinds=PROVIDER)
def mark_change(request, org, pk, spk):
    """Change one pupil's mark on a submitted register, with the reason."""
    register = _register(pk)
    try:
        session: ExpectedSession = selectors.session_get(register, spk)
    except ExpectedSession.DoesNotExist as exc:
        raise Http404("No such session") from exc
    back = _register_url(org, register)
    if not register.is_submitted:
        return redirect(back)
    name = list_label(session.placement, request.membership).text
    form = MarkChangeForm(posted(request), initial={
        "mark": session.mark, "minutes_late": session.minutes_late, "absence_reason": session.absence_reason})
    if form.is_valid():
        with service_errors(form):
            services.mark_change(session=session, mark=form.mark_input(session.pk), reason=form.cleaned_data["reason"],
                                 by=request.user, organisation=request.organisation, now=clock.now())
            audit_request(request, action=AuditAction.CHANGE, obj=session, detail="mark changed")
            messages.success(request, f"Mark changed for {name}")
            return redirect(back)
    now_mark = selectors.mark_text(session.mark, session.minutes_late, session.absence_reason)
    return render_form_page(request, form, title=f"Change the mark for {name}", caption=name, back_url=back,
                            intro=f"Marked now: {now_mark}. The change and its reason are kept in the register's "
                                  "history.", status=400 if form.errors else 200)


@org_view(C.VIEW_ATTENDANCE, kinds=SCHOOL)
def known_absence_record(request, org, pk):
    """The school tells the provider that the pupil will be absent (pre-fills the register)."""
    try:
        placement = placement_get(pk)
    except Placement.DoesNotExist as exc:
        raise Http404("No such placement") from exc
    back = reverse("placements:placement_detail", kwargs={"org": org, "pk": placement.pk})
    name = list_label(placement, request.membership).text
    form = KnownAbsenceForm(posted(request))
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(form):
            absence = services.known_absence_record(
                placement=placement, first_date=data["first_date"], last_date=data["last_date"],
                reason=data["reason"], note=data.get("note", ""), by=request.user,
                organisation=request.organisation, now=clock.now())
            audit_request(request, action=AuditAction.CREATE, obj=absence, detail="known absence")
            messages.success(request, f"The provider will see {name} as absent on those days")
            return redirect(back)
    return render_form_page(request, form, title="Tell the provider about an absence in advance", caption=name,
                            back_url=back, back_label="Back to the placement",
                            intro=f"{placement.provider.name} will see the pupil marked absent on their register "
                                  "for these days.", status=400 if form.errors else 200)
