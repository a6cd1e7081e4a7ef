"""Attendance alerts: the open alerts of the organisation, acknowledging one, and reporting a pupil
not accounted for (issue 11 item 5). Thin: attendance.alerts decides."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from apcommission import clock
from apcommission.forms import Form, helper, posted, render_form_page, service_errors, textarea
from escalation.models import Escalation
from tenancy.permissions import org_view
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.visibility import DataGroup, reader_for

from .. import alerts as rules
from ..models import ExpectedSession

SIDES = (K.SCHOOL, K.PROVIDER)


class AcknowledgeForm(Form):
    note = forms.CharField(label="What did you do or find out?", max_length=300, widget=forms.Textarea,
                           help_text="For example, phoned the provider: the pupil is present",
                           error_messages={"required": "Enter what you did or found out"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(textarea(self, "note"), submit="Acknowledge the alert")


class NotAccountedForForm(Form):
    note = forms.CharField(label="What happened (optional)", max_length=300, required=False, widget=forms.Textarea,
                           help_text="For example, not back from lunch. Stays in the service: emails never carry it.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(textarea(self, "note"), submit="Send an urgent alert")


def _shows_names(request) -> bool:
    return reader_for(request.membership).can(DataGroup.IDENTITY)


@org_view(C.VIEW_ATTENDANCE, kinds=SIDES)
def alert_list(request, org):
    now = clock.now()
    open_alerts, recent = rules.alerts_for(organisation=request.organisation, shows_names=_shows_names(request),
                                           now=now)
    return render(request, "attendance/alerts.html", {
        "open_alerts": open_alerts, "recent": recent,
        "can_acknowledge": request.membership.can(C.ACKNOWLEDGE_ALERTS),
    })


@org_view(C.ACKNOWLEDGE_ALERTS, kinds=SIDES)
def alert_acknowledge(request, org, pk):
    try:
        escalation = rules.open_alert(pk)
    except Escalation.DoesNotExist:
        raise Http404("No such open alert") from None
    form = AcknowledgeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            rules.alert_acknowledge(escalation=escalation, note=form.cleaned_data["note"], by=request.user,
                                    organisation=request.organisation, now=clock.now())
            messages.success(request, "Alert acknowledged. Nobody else will be told about it.")
            return redirect("attendance:alerts", org=org)
    title = f"Acknowledge – {rules.alert_title(escalation)}"
    return render_form_page(request, form, title=title, back_url=reverse("attendance:alerts", kwargs={"org": org}),
                            intro="Say what you did or found out. The alert stops: nobody else is told about it.",
                            status=400 if form.errors else 200)


@org_view(C.SUBMIT_REGISTERS, kinds=(K.PROVIDER,))
def session_not_accounted_for(request, org, pk):
    try:
        session = ExpectedSession.objects.select_related("pupil").get(pk=pk)
    except ExpectedSession.DoesNotExist:
        raise Http404("No such session") from None
    form = NotAccountedForForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            rules.session_not_accounted_for(session=session, note=form.cleaned_data["note"], by=request.user,
                                            organisation=request.organisation, now=clock.now())
            messages.success(request, "Urgent alert sent to the school's safeguarding lead and attendance officer "
                                      "and your safeguarding lead.")
            return redirect("attendance:alerts", org=org)
    return render_form_page(
        request, form, title=f"Report a pupil not accounted for: {rules.session_words(session.starts_at)}",
        caption=str(session.pupil) if _shows_names(request) else "",
        back_url=reverse("attendance:alerts", kwargs={"org": org}),
        intro=["The school's safeguarding lead and attendance officer and your safeguarding lead are told at once. "
               "If nobody acknowledges within 15 minutes, the school's headteacher is told."],
        status=400 if form.errors else 200)
