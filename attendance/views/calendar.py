"""Calendar pages: term dates and non-teaching days per academic year (an LA its own and area-wide
days; a school its LA's dates read-only, or its own; a provider its closure days), and the
school's attendance settings. Thin: read through attendance.calendar_services, call one service."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.forms import ConfirmForm
from apcommission import clock
from apcommission.forms import posted, render_form_page, service_errors
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from .. import calendar_services as cal
from ..forms_calendar import AttendanceSettingsForm, NonTeachingDayForm, TermForm
from ..models import Term

manage_calendar = org_view(C.MANAGE_CALENDAR, kinds=(K.LOCAL_AUTHORITY, K.SCHOOL, K.PROVIDER))
manage_terms = org_view(C.MANAGE_CALENDAR, kinds=cal.TERM_KINDS)
school_terms = org_view(C.MANAGE_CALENDAR, kinds=(K.SCHOOL,))
manage_settings = org_view(C.MANAGE_ATTENDANCE_SETTINGS, kinds=(K.SCHOOL,))


def _year(request) -> int:
    """The academic year in `?year=` (2026 for 2026 to 2027); this year's when not given."""
    given = request.GET.get("year")
    if given is None:
        return cal.current_year(clock.now())
    if not given.isdigit() or not cal.FIRST_YEAR <= int(given) <= cal.LAST_YEAR:
        raise Http404("No such academic year")
    return int(given)


def _year_url(org: str, year: int, name: str = "attendance:calendar", **params) -> str:
    return f"{reverse(name, kwargs={'org': org})}?{urlencode({'year': year, **params})}"


def _title(organisation, year: int) -> str:
    what = "Closure days" if organisation.kind == K.PROVIDER else "Term dates"
    return f"{what} {cal.year_label(year)}"


@manage_calendar
def calendar(request, org):
    year = _year(request)
    data = cal.calendar_year(request.organisation, year)
    neighbours = [(label, rel, y) for label, rel, y in (("Previous", "prev", year - 1), ("Next", "next", year + 1))
                  if cal.FIRST_YEAR <= y <= cal.LAST_YEAR]
    return render(request, "attendance/calendar.html", {
        "cal": data, "title": _title(request.organisation, year),
        "years": [{"label": label, "rel": rel, "year_label": cal.year_label(y), "url": _year_url(org, y)}
                  for label, rel, y in neighbours],
        "is_provider": request.organisation.kind == K.PROVIDER,
        "can_manage_settings": (request.organisation.kind == K.SCHOOL
                                and request.membership.can(C.MANAGE_ATTENDANCE_SETTINGS)),
    })


def _term_page(request, org, *, year: int, term: str, instance=None):
    label = Term(term).label
    form = TermForm(posted(request), instance=instance)
    back = _year_url(org, year)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            cal.term_save(organisation=request.organisation, academic_year=year, term=term, data=form.cleaned_data,
                          instance=instance, by=request.user, now=clock.now())
            messages.success(request, f"{label} {cal.year_label(year)} saved.")
            return redirect(back)
    verb = "Change" if instance else "Add"
    return render_form_page(request, form, title=f"{verb} the {label.lower()} {cal.year_label(year)}",
                            back_url=back, caption=request.organisation.name,
                            intro="Enter the first and last day pupils are taught, and the half term holiday.")


@manage_terms
def term_add(request, org):
    """?term=spring names the term; without it, the year's first term not yet set."""
    year = _year(request)
    term = request.GET.get("term")
    if term is None:
        missing = cal.calendar_year(request.organisation, year).terms_to_add
        term = missing[0][0] if missing else Term.AUTUMN
    if term not in Term.values:
        raise Http404("No such term")
    return _term_page(request, org, year=year, term=term)


@manage_terms
def term_change(request, org, pk: int):
    row = get_object_or_404(cal.editable_terms(request.organisation), pk=pk)
    return _term_page(request, org, year=row.academic_year, term=row.term, instance=row)


def _confirm_page(request, *, title: str, intro: str, submit: str, back: str, action, done: str):
    form = ConfirmForm(posted(request), submit=submit)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            action()
            messages.success(request, done)
            return redirect(back)
    return render_form_page(request, form, title=title, intro=intro, back_url=back,
                            caption=request.organisation.name)


@manage_terms
def term_remove(request, org, pk: int):
    row = get_object_or_404(cal.editable_terms(request.organisation), pk=pk)
    name = f"{row.get_term_display().lower()} {cal.year_label(row.academic_year)}"
    return _confirm_page(
        request, title=f"Remove the {name}?", submit="Remove the term", back=_year_url(org, row.academic_year),
        intro=f"From {cal.long_date(row.start_date)} to {cal.long_date(row.end_date)}. Without it, no sessions are "
              "expected in those weeks.",
        done=f"The {name} was removed.",
        action=lambda: cal.calendar_row_remove(row=row, organisation=request.organisation, by=request.user,
                                               now=clock.now()))


def _own_dates_page(request, org, *, own: bool):
    """A school takes its own term dates for a year (`own`), or follows its LA's again."""
    year, la = _year(request), request.organisation.local_authority
    label = cal.year_label(year)
    service = cal.own_term_dates_start if own else cal.own_term_dates_stop
    wording = ({"title": f"Use your own term dates for {label}?", "submit": "Use our own term dates",
                "intro": f"Your school starts from a copy of {la}'s dates and changes them as it needs. Later changes "
                         f"{la} makes to {label} will not reach your school.",
                "done": f"Your school now sets its own term dates for {label}."} if own else
               {"title": f"Follow {la}'s term dates for {label}?", "submit": f"Follow {la}'s dates",
                "intro": f"Your school's own term dates for {label} are removed and {la}'s apply, with {la}'s "
                         "non-teaching days. Your INSET days and closures stay.",
                "done": f"Your school follows {la}'s term dates for {label}."})
    return _confirm_page(request, back=_year_url(org, year), **wording,
                         action=lambda: service(school=request.organisation, academic_year=year, by=request.user,
                                                now=clock.now()))


@school_terms
def own_dates(request, org):
    return _own_dates_page(request, org, own=True)


@school_terms
def follow_la(request, org):
    return _own_dates_page(request, org, own=False)


@manage_calendar
def day_add(request, org):
    year = _year(request)
    form = NonTeachingDayForm(posted(request), organisation=request.organisation)
    back = _year_url(org, year)
    provider = request.organisation.kind == K.PROVIDER
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            cal.day_add(organisation=request.organisation, academic_year=year, data=form.cleaned_data,
                        by=request.user, now=clock.now())
            messages.success(request, "Closure day added." if provider else "Non-teaching day added.")
            return redirect(back)
    intro = ("No sessions are expected at your provision on a closure day; schools see that day as closed."
             if provider else "No sessions are expected on this day.")
    return render_form_page(request, form, title=f"Add a {'closure' if provider else 'non-teaching'} day",
                            caption=f"{request.organisation.name}: {cal.year_label(year)}", back_url=back,
                            intro=intro)


@manage_calendar
def day_remove(request, org, pk: int):
    row = get_object_or_404(cal.editable_days(request.organisation), pk=pk)
    return _confirm_page(
        request, title=f"Remove {row.get_kind_display().lower()} on {cal.long_date(row.date)}?",
        submit="Remove the day", back=_year_url(org, cal.academic_year_of(row.date)),
        intro="Sessions are expected on that day again if it is a school day.",
        done=f"The day on {cal.long_date(row.date)} was removed.",
        action=lambda: cal.calendar_row_remove(row=row, organisation=request.organisation, by=request.user,
                                               now=clock.now()))


@manage_settings
def attendance_settings(request, org):
    current = cal.settings_for(request.organisation)
    form = AttendanceSettingsForm(posted(request), instance=current)
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            cal.settings_save(school=request.organisation, data=form.cleaned_data, by=request.user, now=clock.now())
            messages.success(request, "Attendance settings saved.")
            return redirect("attendance:settings", org=org)
    return render_form_page(request, form, title="Attendance settings", caption=request.organisation.name,
                            back_url=reverse("dashboard", kwargs={"org": org}), back_label="Back to the dashboard",
                            intro="When a placement counts as below target, and when a missing register is "
                                  "escalated beyond the attendance officer.")
