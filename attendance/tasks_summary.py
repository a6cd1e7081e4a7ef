"""The weekly attendance summary to each school's AP lead (Monday 07:00 Europe/London, beat entry
"attendance-weekly-summary"): last week's figures for the school, no pupil names (sign in to see
who). Safe to run again or late: one notification per school per week (dedupe key)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.urls import reverse

from notifications.services import notify
from placements.models import IN_AP_STATES, Placement
from tenancy.models import Organisation
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from . import reports, rules
from .models import AttendanceSettings, ExpectedSession

TOPIC = "attendance_summary"


@shared_task(name="attendance.tasks_summary.send_weekly_summaries")
def send_weekly_summaries() -> int:
    from apcommission import clock

    return weekly_summaries_send(now=clock.now())


def schools_to_summarise(*, first: dt.date, last: dt.date) -> list[Organisation]:
    """Schools with a pupil in AP now or a session last week, minus those that switched the summary off."""
    with scopes_disabled():
        ids = set(Placement.objects.filter(state__in=IN_AP_STATES).values_list("school_id", flat=True).distinct())
        ids |= set(ExpectedSession.objects.filter(date__range=(first, last))
                   .values_list("school_id", flat=True).distinct())
        ids -= set(AttendanceSettings.objects.filter(weekly_summary=False).values_list("school_id", flat=True))
    return list(Organisation.objects.filter(pk__in=ids).order_by("pk"))


def summary_text(summary: reports.WeeklySummary, school: Organisation) -> tuple[str, str]:
    """Subject and body: figures only, never a pupil's name or case details."""
    def n(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    subject = f"Attendance summary: {school.name}, week of {summary.first:%-d %B %Y}"
    body = "\n".join([
        f"Alternative provision attendance for {school.name}, {summary.first:%-d %B} to {summary.last:%-d %B %Y}:",
        "",
        f"- {n(summary.below_target, 'placement is', 'placements are')} below the school's attendance target",
        f"- {n(summary.sessions_missed, 'session was', 'sessions were')} missed (absences and registers not received)",
        f"- {n(summary.registers_late, 'register was', 'registers were')} late or not received",
        "",
        "Sign in to see who and to record the school's codes for absences.",
    ])
    return subject, body


def weekly_summaries_send(*, now: dt.datetime) -> int:
    """Notify each school's AP lead of last week's figures; returns how many notifications were created."""
    from apcommission.clock import LONDON

    first, last = rules.last_week(now.astimezone(LONDON).date())
    sent = 0
    for school in schools_to_summarise(first=first, last=last):
        with scope(organisation=school):
            summary = reports.weekly_summary(first=first, last=last, now=now)
        subject, body = summary_text(summary, school)
        sent += len(notify(organisation=school, roles=[Role.AP_LEAD], topic=TOPIC, subject=subject, body=body,
                           dedupe_key=f"attendance-weekly:{school.pk}:{first:%Y-%m-%d}", now=now,
                           link=reverse("attendance:school_attendance", kwargs={"org": school.slug})))
    return sent
