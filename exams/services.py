"""Writes of exam entries (issue 14 item 5): the school records and changes an entry, the provider
confirms it or says it cannot (with a reason), the school records the result. Each runs in the
caller's scope, in one transaction; refusals are ValidationError / Refusal (an error summary).
The other side is told each time; emails never name the pupil (the link leads to the entry).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from apcommission.errors import Refusal
from notifications.services import notify
from placements.models import IN_AP_STATES, Placement, State
from tenancy.models import AuditAction
from tenancy.roles import Role
from tenancy.services import audit_record

from .models import EntryState, ExamEntry, Venue

# A school records entries while the pupil is (or is about to be) at the provider.
RECORDABLE_STATES = (State.AGREED, *IN_AP_STATES)
SCHOOL_ROLES = (Role.EXAMS_OFFICER, Role.AP_LEAD)
PROVIDER_ROLES = (Role.PROVIDER_MANAGER,)
ENTRY_FIELDS = ("qualification", "awarding_body", "tier", "series", "first_exam_on", "last_exam_on",
                "access_arrangements", "venue", "venue_address")


def _link(organisation, entry: ExamEntry) -> str:
    return reverse("exams:entry_detail", kwargs={"org": organisation.slug, "pk": entry.pk})


def _check(entry: ExamEntry) -> None:
    errors = {}
    if entry.venue == Venue.OTHER and not entry.venue_address.strip():
        errors["venue_address"] = "Enter the address of the exam venue"
    if entry.last_exam_on and entry.first_exam_on and entry.last_exam_on < entry.first_exam_on:
        errors["last_exam_on"] = "The date of the last exam must be the same as or after the first"
    if errors:
        raise ValidationError(errors)


def entry_save(*, placement: Placement, values: dict, by, organisation, now: dt.datetime,
               entry: ExamEntry | None = None) -> ExamEntry:
    """Record a new entry on the placement, or change one (a change goes back to the provider to
    confirm). Results already recorded keep the entry as it is."""
    if placement.state not in RECORDABLE_STATES:
        raise Refusal("Exam entries are recorded while the placement is agreed or the pupil is in it")
    with transaction.atomic():
        if entry is None:
            entry = ExamEntry(placement=placement, school_id=placement.school_id, provider_id=placement.provider_id,
                              created_at=now, created_by=by)
        else:
            entry = ExamEntry.objects.select_for_update().get(pk=entry.pk)
            if entry.grade:
                raise Refusal("The result has been recorded: this entry no longer changes")
        for name in ENTRY_FIELDS:
            if name in values:
                value = values[name]
                setattr(entry, name, "" if value is None and name != "last_exam_on" else value)
        if entry.venue != Venue.OTHER:
            entry.venue_address = ""
        _check(entry)
        created = entry.pk is None
        entry.state, entry.provider_reason, entry.answered_at, entry.answered_by = EntryState.AWAITING, "", None, None
        entry.updated_at = now
        entry.save()
        audit_record(organisation=organisation, user=by, action=AuditAction.CREATE if created else AuditAction.CHANGE,
                     obj=entry, detail="Exam entry recorded" if created else "Exam entry changed")
        provider = placement.provider
        notify(organisation=provider, roles=PROVIDER_ROLES, topic="exam_entry_recorded",
               subject="An exam entry needs your confirmation",
               body=(f"{placement.school.name} has {'recorded' if created else 'changed'} an exam entry "
                     f"({entry.qualification}, {entry.series}) for a pupil placed with you. Sign in to confirm it "
                     "or say why you cannot."),
               link=_link(provider, entry), dedupe_key=f"exam_entry_recorded:{entry.pk}:{now.isoformat()}", now=now,
               target=entry)
    return entry


def entry_answer(*, entry: ExamEntry, confirm: bool, reason: str, by, organisation, now: dt.datetime) -> ExamEntry:
    """The provider confirms the entry, or says it cannot (a reason required). It may change its
    answer until the result is recorded."""
    reason = (reason or "").strip()
    if not confirm and not reason:
        raise ValidationError({"reason": "Enter why you cannot confirm this entry"})
    with transaction.atomic():
        entry = ExamEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.grade:
            raise Refusal("The result has been recorded: this entry no longer changes")
        entry.state = EntryState.CONFIRMED if confirm else EntryState.CANNOT
        entry.provider_reason = "" if confirm else reason
        entry.answered_at, entry.answered_by = now, by
        entry.save(update_fields=["state", "provider_reason", "answered_at", "answered_by"])
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=entry,
                     detail="Exam entry confirmed" if confirm else "Exam entry: provider cannot")
        school = entry.school
        notify(organisation=school, roles=SCHOOL_ROLES, topic="exam_entry_answered",
               subject="The provider has confirmed an exam entry" if confirm
               else "The provider cannot confirm an exam entry",
               body=(f"{entry.provider.name} has {'confirmed' if confirm else 'said it cannot confirm'} the exam "
                     f"entry {entry.qualification}, {entry.series}. Sign in to see it."),
               link=_link(school, entry), dedupe_key=f"exam_entry_answered:{entry.pk}:{now.isoformat()}", now=now,
               target=entry)
    return entry


def entry_result(*, entry: ExamEntry, grade: str, result_on: dt.date, by, organisation,
                 now: dt.datetime) -> ExamEntry:
    """The school records the grade and its date, on or after the first exam."""
    grade = (grade or "").strip()
    errors = {}
    if not grade:
        errors["grade"] = "Enter the grade"
    if result_on is None:
        errors["result_on"] = "Enter the date of the result"
    elif result_on < entry.first_exam_on:
        errors["result_on"] = "The date of the result must be on or after the first exam"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = ExamEntry.objects.select_for_update().get(pk=entry.pk)
        entry.grade, entry.result_on, entry.updated_at = grade, result_on, now
        entry.save(update_fields=["grade", "result_on", "updated_at"])
        audit_record(organisation=organisation, user=by, action=AuditAction.CHANGE, obj=entry,
                     detail="Exam result recorded")
        provider = entry.provider
        notify(organisation=provider, roles=PROVIDER_ROLES, topic="exam_result_recorded",
               subject="An exam result has been recorded",
               body=(f"{entry.school.name} has recorded the result of {entry.qualification}, {entry.series} for a "
                     "pupil placed with you. Sign in to see it."),
               link=_link(provider, entry), dedupe_key=f"exam_result_recorded:{entry.pk}", now=now, target=entry)
    return entry
