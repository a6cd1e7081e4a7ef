"""Exam entry services (issue 14 item 5): the school records, the provider confirms or cannot (with
a reason), the school records the result; the refusals a user would meet; the other side is told
without the pupil's name; exams.api.entries_for_placements reads one query in the caller's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apcommission.errors import Refusal
from exams import api, services
from exams.factories import DEFAULTS, exam_entry
from exams.models import EntryState, ExamEntry, Venue
from notifications.models import Notification
from placements.factories import placement_in_state
from placements.models import State
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled
from tests.conftest import WORLD_NOW

NOW = WORLD_NOW


@pytest.fixture
def placed(shared_provider_world):
    world = shared_provider_world
    world.placements["a"] = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER),
                                               state=State.ACTIVE, now=NOW)
    return world


def _save(world, placement, **values):
    school = placement.school
    with scope(organisation=school):
        return services.entry_save(placement=placement, values={**DEFAULTS, **values}, now=NOW, organisation=school,
                                   by=world.user(K.SCHOOL, Role.EXAMS_OFFICER))


def _answer(world, entry, *, confirm, reason=""):
    provider = world.org(K.PROVIDER)
    with scope(organisation=provider):
        return services.entry_answer(entry=entry, confirm=confirm, reason=reason, now=NOW, organisation=provider,
                                     by=world.user(K.PROVIDER, Role.PROVIDER_MANAGER))


def _told(topic):
    with scopes_disabled():
        return list(Notification.objects.filter(topic=topic).select_related("user"))


def test_recording_asks_the_provider_manager_without_naming_the_pupil(placed):
    entry = _save(placed, placed.placements["a"])
    assert entry.state == EntryState.AWAITING and entry.school == placed.org(K.SCHOOL)
    told = _told("exam_entry_recorded")
    assert {n.user for n in told} == {placed.user(K.PROVIDER, Role.PROVIDER_MANAGER)}
    assert all("PupilA" not in n.subject + n.body for n in told)
    assert "GCSE Mathematics" in told[0].body


def test_the_provider_confirms_and_the_school_is_told(placed):
    entry = _answer(placed, _save(placed, placed.placements["a"]), confirm=True)
    assert entry.state == EntryState.CONFIRMED and entry.answered_at == NOW
    told = {n.user for n in _told("exam_entry_answered")}
    assert told == {placed.user(K.SCHOOL, Role.EXAMS_OFFICER), placed.user(K.SCHOOL, Role.AP_LEAD)}


def test_cannot_needs_a_reason_and_keeps_it(placed):
    entry = _save(placed, placed.placements["a"])
    with pytest.raises(ValidationError) as refused:
        _answer(placed, entry, confirm=False, reason="  ")
    assert refused.value.message_dict == {"reason": ["Enter why you cannot confirm this entry"]}
    entry = _answer(placed, entry, confirm=False, reason="No invigilator that week")
    assert (entry.state, entry.provider_reason) == (EntryState.CANNOT, "No invigilator that week")


def test_somewhere_else_needs_an_address_and_dates_in_order(placed):
    with pytest.raises(ValidationError) as refused:
        _save(placed, placed.placements["a"], venue=Venue.OTHER, venue_address="",
              last_exam_on=DEFAULTS["first_exam_on"] - dt.timedelta(days=1))
    assert set(refused.value.message_dict) == {"venue_address", "last_exam_on"}
    entry = _save(placed, placed.placements["a"], venue=Venue.OTHER, venue_address="Town Hall, NS1 4AB")
    assert entry.venue_text == "Somewhere else: Town Hall, NS1 4AB"


def test_changing_an_entry_asks_the_provider_again(placed):
    entry = _answer(placed, _save(placed, placed.placements["a"]), confirm=True)
    school = placed.org(K.SCHOOL)
    with scope(organisation=school):
        entry = services.entry_save(placement=placed.placements["a"], entry=entry, now=NOW, organisation=school,
                                    values={"series": "November 2027"}, by=placed.user(K.SCHOOL, Role.AP_LEAD))
    assert (entry.state, entry.series, entry.answered_at) == (EntryState.AWAITING, "November 2027", None)


def test_result_on_or_after_the_first_exam_then_the_entry_is_fixed(placed):
    entry = _answer(placed, _save(placed, placed.placements["a"]), confirm=True)
    school, officer = placed.org(K.SCHOOL), placed.user(K.SCHOOL, Role.EXAMS_OFFICER)
    with scope(organisation=school):
        with pytest.raises(ValidationError) as refused:
            services.entry_result(entry=entry, grade="6", result_on=entry.first_exam_on - dt.timedelta(days=1),
                                  by=officer, organisation=school, now=NOW)
        assert refused.value.message_dict == {
            "result_on": ["The date of the result must be on or after the first exam"]}
        entry = services.entry_result(entry=entry, grade="6", result_on=dt.date(2027, 8, 20), by=officer,
                                      organisation=school, now=NOW)
        assert (entry.grade, entry.result) == ("6", "6")
        with pytest.raises(Refusal):
            services.entry_save(placement=placed.placements["a"], entry=entry, values={"series": "x"}, now=NOW,
                                organisation=school, by=officer)
    assert [n.user for n in _told("exam_result_recorded")] == [placed.user(K.PROVIDER, Role.PROVIDER_MANAGER)]


def test_no_entry_on_a_placement_not_agreed_or_running(placed):
    draft = placement_in_state(pupil=placed.pupils["a"], provider=placed.org(K.PROVIDER, "b"), state=State.DRAFT,
                               now=NOW)
    with pytest.raises(Refusal):
        _save(placed, draft)


def test_entries_for_placements_one_query_in_scope(placed, django_assert_num_queries):
    ours, theirs = placed.placements["a"], placed.placements["c"]
    first = exam_entry(ours, now=NOW)
    second = exam_entry(ours, now=NOW, qualification="GCSE English Language", answer="confirm")
    exam_entry(theirs, now=NOW)
    with scope(organisation=placed.org(K.SCHOOL)), django_assert_num_queries(1):
        found = api.entries_for_placements([ours.pk, theirs.pk])
    assert list(found) == [ours.pk]
    assert [(e.pk, e.qualification, e.awarding_body, e.series, e.status, e.result) for e in found[ours.pk]] == [
        (first.pk, "GCSE Mathematics", "AQA", "June 2027", "Awaiting the provider", ""),
        (second.pk, "GCSE English Language", "AQA", "June 2027", "Confirmed", "")]
    with scope(organisation=placed.org(K.LOCAL_AUTHORITY)):
        assert api.entries_for_placements([ours.pk, theirs.pk]) == {}
    with scope(organisation=placed.org(K.PROVIDER)):
        assert set(api.entries_for_placements([ours.pk, theirs.pk])) == {ours.pk, theirs.pk}
    with scopes_disabled():
        assert ExamEntry.objects.count() == 3
