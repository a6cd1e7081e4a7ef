"""The placement state machine: every allowed transition works; every forbidden one raises and
changes nothing (row and timeline)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.forms.models import model_to_dict

from placements import lifecycle
from placements.factories import ParentCarerFactory, placement_in_state
from placements.lifecycle import TRANSITIONS, Transition, TransitionBlocked, TransitionNotAllowed
from placements.models import (
    CommissioningAgreement,
    Placement,
    PlacementEvent,
    Referral,
    State,
    Target,
    TimetableSession,
)
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


ALLOWED = sorted((name, source) for name, move in TRANSITIONS.items() for source in move.sources)
FORBIDDEN = sorted((name, state) for name in TRANSITIONS for state in State.values if state not in TRANSITIONS[name].sources)
END_DATA = {"ended_on": NOW.date(), "end_reason": "completed", "destination": "further_education",
            "final_attainment": "L1 English", "pupil_view": "I liked the workshop."}


def _changes(name):
    if name == Transition.DECLINE:
        return {"decline_reason": "No places this term."}
    if name == Transition.END:
        return dict(END_DATA)
    return {}


def _org_for(world, name):
    kinds = TRANSITIONS[name].kinds
    return world.org(K.SCHOOL) if K.SCHOOL in kinds else world.org(K.PROVIDER)


def _ready(world, state: str, name: str) -> Placement:
    """A placement in `state` meeting the guards of transition `name`."""
    pupil = world.pupils["a"]
    placement = placement_in_state(pupil=pupil, provider=world.org(K.PROVIDER), state=state, now=NOW,
                                   submitted=state == State.DRAFT)
    with scopes_disabled():
        if state == State.DRAFT:
            Referral.objects.filter(placement=placement).update(approved_at=NOW)
            ParentCarerFactory(pupil=pupil)
        if name == Transition.AGREE and state == State.ACCEPTED:
            agreement = CommissioningAgreement.objects.create(
                placement=placement, version=1, created_at=NOW, start_date=NOW.date(), school_agreed_at=NOW,
                provider_agreed_at=NOW, school_lead=world.user(K.SCHOOL, Role.AP_LEAD),
                next_visit_on=NOW.date() + dt.timedelta(days=14))
            Target.objects.create(agreement=agreement, target="Attend")
            TimetableSession.objects.create(agreement=agreement, weekday=0, part="am", start_time=dt.time(9),
                                            end_time=dt.time(12))
    return placement


def _snapshot(placement):
    with scopes_disabled():
        row = Placement.objects.get(pk=placement.pk)
        return model_to_dict(row) | {"state": row.state, "updated_at": row.updated_at}, \
            PlacementEvent.objects.filter(placement=placement).count()


def _run(world, placement, name, org=None, changes=None):
    org = org or _org_for(world, name)
    with scope(organisation=org):
        return lifecycle.transition(placement=placement, name=name, by=world.user(K.SCHOOL, Role.HEADTEACHER),
                                    organisation=org, now=NOW, changes=_changes(name) if changes is None else changes)


def test_the_table_covers_every_state():
    reachable = {move.target for move in TRANSITIONS.values()} | {State.DRAFT}
    assert reachable == set(State.values)
    leaving = {s for move in TRANSITIONS.values() for s in move.sources}
    assert leaving == set(State.values) - {State.DECLINED, State.ENDED}  # the two final states


@pytest.mark.parametrize("name, source", ALLOWED)
def test_every_allowed_transition(name, source, signed_off, django_capture_on_commit_callbacks):
    world = signed_off
    placement = _ready(world, source, name)
    _, events_before = _snapshot(placement)
    with django_capture_on_commit_callbacks(execute=True):
        moved = _run(world, placement, name)
    assert moved.state == TRANSITIONS[name].target
    row, events_after = _snapshot(placement)
    assert row["state"] == TRANSITIONS[name].target
    assert events_after == events_before + 1
    with scopes_disabled():
        event = PlacementEvent.objects.filter(placement=placement).latest("pk")
    assert (event.transition, event.from_state, event.to_state) == (name, source, TRANSITIONS[name].target)


@pytest.mark.parametrize("name, state", FORBIDDEN)
def test_every_forbidden_transition_raises_and_changes_nothing(name, state, signed_off):
    world = signed_off
    placement = _ready(world, state, name)
    before = _snapshot(placement)
    with pytest.raises(TransitionNotAllowed):
        _run(world, placement, name)
    assert _snapshot(placement) == before


@pytest.mark.parametrize("name", [Transition.ACCEPT, Transition.DECLINE])
def test_a_school_cannot_answer_for_the_provider(name, world):
    placement = _ready(world, State.REFERRED, name)
    before = _snapshot(placement)
    with pytest.raises(TransitionNotAllowed):
        _run(world, placement, name, org=world.org(K.SCHOOL))
    assert _snapshot(placement) == before


@pytest.mark.parametrize("name, state", [(Transition.END, State.ACTIVE), (Transition.SUSPEND, State.ACTIVE),
                                         (Transition.START, State.AGREED)])
def test_a_provider_cannot_take_the_schools_decisions(name, state, world):
    placement = _ready(world, state, name)
    before = _snapshot(placement)
    with pytest.raises(TransitionNotAllowed):
        _run(world, placement, name, org=world.org(K.PROVIDER))
    assert _snapshot(placement) == before


def test_a_stale_object_is_checked_against_the_locked_row(world):
    placement = _ready(world, State.REFERRED, Transition.ACCEPT)
    stale = Placement(pk=placement.pk, state=State.REFERRED)
    _run(world, placement, Transition.ACCEPT)
    with pytest.raises(TransitionNotAllowed):
        _run(world, stale, Transition.DECLINE)


def test_a_transition_cannot_set_fields_it_does_not_own(world):
    placement = _ready(world, State.REFERRED, Transition.ACCEPT)
    before = _snapshot(placement)
    with pytest.raises(TransitionNotAllowed):
        _run(world, placement, Transition.ACCEPT, changes={"weekly_hours": 30})
    assert _snapshot(placement) == before


# --- Guards: allowed from the state, blocked by a condition; nothing changes --------------

def _blocked(world, placement, name, changes=None):
    before = _snapshot(placement)
    with pytest.raises(TransitionBlocked) as exc:
        _run(world, placement, name, changes=changes)
    assert _snapshot(placement) == before
    return " ".join(exc.value.problems)


def test_refer_needs_a_current_suitability_signoff(world):
    placement = _ready(world, State.DRAFT, Transition.REFER)
    assert "suitability sign-off" in _blocked(world, placement, Transition.REFER)


def test_refer_with_an_expired_signoff_is_blocked(world):
    from .conftest import signoff

    signoff(world.org(K.SCHOOL), world.org(K.PROVIDER), by=world.user(K.SCHOOL, Role.AP_LEAD),
            on=NOW.date() - dt.timedelta(days=400))
    placement = _ready(world, State.DRAFT, Transition.REFER)
    assert "suitability sign-off" in _blocked(world, placement, Transition.REFER)


def test_refer_needs_the_headteachers_approval_and_consultation(signed_off):
    world = signed_off
    placement = _ready(world, State.DRAFT, Transition.REFER)
    with scopes_disabled():
        Referral.objects.filter(placement=placement).update(approved_at=None, consulted_parents=False)
    problems = _blocked(world, placement, Transition.REFER)
    assert "headteacher must approve" in problems and "Consult the pupil" in problems


def test_refer_needs_a_complete_referral(signed_off):
    world = signed_off
    placement = _ready(world, State.DRAFT, Transition.REFER)
    with scopes_disabled():
        Referral.objects.filter(placement=placement).update(reason="", risk_indicators={})
    problems = _blocked(world, placement, Transition.REFER)
    assert "Reason for referral" in problems and "Other indicators of risk" in problems


def test_decline_needs_a_reason(world):
    placement = _ready(world, State.REFERRED, Transition.DECLINE)
    assert "reason" in _blocked(world, placement, Transition.DECLINE, changes={"decline_reason": "  "})


def test_agree_needs_both_sides(world):
    placement = _ready(world, State.ACCEPTED, Transition.AGREE)
    with scopes_disabled():
        CommissioningAgreement.objects.filter(placement=placement).update(provider_agreed_at=None)
    assert "Both the school and the provider" in _blocked(world, placement, Transition.AGREE)


def test_start_needs_parents_agreement_and_the_start_date(world):
    placement = _ready(world, State.AGREED, Transition.START)
    with scopes_disabled():
        placement.parental_agreements.all().delete()
        Placement.objects.filter(pk=placement.pk).update(start_date=NOW.date() + dt.timedelta(days=3))
    problems = _blocked(world, placement, Transition.START)
    assert "parents'" in problems and "starts on" in problems


def test_end_needs_a_reason_and_date(world):
    placement = _ready(world, State.ACTIVE, Transition.END)
    assert "why the placement ended" in _blocked(world, placement, Transition.END, changes={"ended_on": NOW.date()})


def test_accepting_sets_the_initial_assessment_due_date(world):
    placement = _ready(world, State.REFERRED, Transition.ACCEPT)
    moved = _run(world, placement, Transition.ACCEPT)
    assert moved.initial_assessment_due == NOW.date() + dt.timedelta(days=7)
    assert moved.responded_at == NOW


def test_starting_records_when_and_ending_records_the_outcome(world):
    placement = _ready(world, State.AGREED, Transition.START)
    assert _run(world, placement, Transition.START).activated_at == NOW
    ended = _run(world, placement, Transition.END)
    assert (ended.end_reason, ended.destination, ended.pupil_view) == ("completed", "further_education",
                                                                       "I liked the workshop.")
