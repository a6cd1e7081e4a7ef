"""The placement's current agreed version is a stored pointer (issue 11 item 1); each version says
when it takes effect: version 1 from its start date, a later one from the date the school chose
(today or later, not before the previous version's)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apcommission import clock
from placements import selectors, services
from placements.forms import AgreementForm
from placements.lifecycle import TransitionBlocked
from placements.models import CommissioningAgreement, Placement, State
from placements.rules import effective_from_problems
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW, TODAY


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


D = dt.date


def _agreed_placement(world):
    from placements.factories import placement_in_state

    return placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.ACTIVE, now=NOW)


def _agree(world, agreement, kind, *, now=NOW):
    org = world.org(kind)
    by = world.user(kind, Role.AP_LEAD if kind == K.SCHOOL else Role.PROVIDER_MANAGER)
    with scope(organisation=org):
        return services.agreement_agree(agreement=agreement, by=by, organisation=org, now=now)


def _new_version(world, placement, *, effective_from):
    with scope(organisation=placement.school):
        v2 = services.agreement_draft(placement=placement, by=world.user(K.SCHOOL, Role.AP_LEAD), now=NOW)
        services.agreement_save(agreement=v2, data={"change_summary": "Friday added",
                                                    "effective_from": effective_from})
    return v2


def test_version_1_takes_effect_from_its_start_date_and_is_the_pointer(world):
    placement = _agreed_placement(world)
    with scopes_disabled():
        v1 = CommissioningAgreement.objects.get(placement=placement)
    assert v1.effective_from == placement.start_date
    assert placement.current_agreement_id == v1.pk
    with scope(organisation=placement.school):
        assert selectors.current_agreement(placement) == v1


def test_the_pointer_moves_only_when_both_sides_agree_a_later_version(world):
    placement = _agreed_placement(world)
    v1_pk = placement.current_agreement_id
    v2 = _new_version(world, placement, effective_from=TODAY + dt.timedelta(days=7))
    _agree(world, v2, K.SCHOOL)
    with scopes_disabled():
        placement.refresh_from_db()
    assert placement.current_agreement_id == v1_pk  # one side only: still version 1
    _agree(world, v2, K.PROVIDER)
    with scopes_disabled():
        placement.refresh_from_db()
        v2.refresh_from_db()
    assert placement.current_agreement_id == v2.pk
    assert v2.effective_from == TODAY + dt.timedelta(days=7)  # the school's date, kept


def test_current_agreement_reads_the_pointer_not_the_latest_agreed(world):
    """The stored pointer is the answer (one indexed read), not a search for the latest agreed version."""
    placement = _agreed_placement(world)
    v1_pk = placement.current_agreement_id
    v2 = _new_version(world, placement, effective_from=TODAY)
    _agree(world, v2, K.SCHOOL)
    _agree(world, v2, K.PROVIDER)
    with scopes_disabled():
        Placement.objects.filter(pk=placement.pk).update(current_agreement=v1_pk)
        placement.refresh_from_db()
    with scope(organisation=placement.provider):
        assert selectors.current_agreement(placement).pk == v1_pk
    with scopes_disabled():
        Placement.objects.filter(pk=placement.pk).update(current_agreement=None)
        placement.refresh_from_db()
    with scope(organisation=placement.school), CaptureQueriesContext(connection) as ctx:
        assert selectors.current_agreement(placement) is None
    assert len(ctx.captured_queries) == 0


@pytest.mark.parametrize(("chosen", "problem"), [
    (None, "Enter the date this version takes effect from"),
    (TODAY - dt.timedelta(days=1), "must be today"),
])
def test_a_later_version_needs_a_date_from_today(world, chosen, problem):
    placement = _agreed_placement(world)
    v2 = _new_version(world, placement, effective_from=chosen)
    with pytest.raises(TransitionBlocked) as exc:
        _agree(world, v2, K.SCHOOL)
    assert problem in " ".join(exc.value.problems)
    with scopes_disabled():
        assert CommissioningAgreement.objects.get(pk=v2.pk).school_agreed_at is None


def test_a_later_version_cannot_take_effect_before_the_previous_one():
    previous = D(2026, 12, 7)
    assert effective_from_problems(version=3, effective_from=D(2026, 12, 1), on=D(2026, 11, 25),
                                   previous_from=previous) == [
        "The date this version takes effect from must be on or after 7 December 2026, when the previous version "
        "took effect"]
    assert effective_from_problems(version=3, effective_from=previous, on=D(2026, 11, 25), previous_from=previous) == []
    assert effective_from_problems(version=1, effective_from=None, on=D(2026, 11, 25), previous_from=None) == []


def test_version_3_before_version_2s_date_is_refused(world):
    placement = _agreed_placement(world)
    v2 = _new_version(world, placement, effective_from=TODAY + dt.timedelta(days=14))
    _agree(world, v2, K.SCHOOL)
    _agree(world, v2, K.PROVIDER)
    with scopes_disabled():
        placement.refresh_from_db()
    v3 = _new_version(world, placement, effective_from=TODAY + dt.timedelta(days=7))
    assert v3.version == 3 and v3.effective_from == TODAY + dt.timedelta(days=7)
    with pytest.raises(TransitionBlocked) as exc:
        _agree(world, v3, K.SCHOOL)
    assert "when the previous version took effect" in " ".join(exc.value.problems)


def test_a_new_version_does_not_copy_the_date_and_the_form_asks_for_it_from_version_2(world):
    placement = _agreed_placement(world)
    with scope(organisation=placement.school):
        staff = selectors.school_staff(placement.school)
        v1 = selectors.current_agreement(placement)
        assert "effective_from" not in AgreementForm(instance=v1, staff=staff).fields
        draft = selectors.agreement_to_edit(placement)  # unsaved next version
        assert draft.version == 2 and draft.effective_from is None
        with clock.frozen(NOW):
            form = AgreementForm(instance=draft, staff=staff)
        assert form.fields["effective_from"].label == "Takes effect from"
        assert form.initial["effective_from"] == TODAY  # default: today; the school may choose later
        saved = services.agreement_draft(placement=placement, by=None, now=NOW)
        assert saved.effective_from is None


def test_the_migration_fills_dates_and_pointers_for_existing_rows(world):
    placement = _agreed_placement(world)
    v2 = _new_version(world, placement, effective_from=TODAY + dt.timedelta(days=3))
    _agree(world, v2, K.SCHOOL)
    _agree(world, v2, K.PROVIDER)
    with scopes_disabled():
        CommissioningAgreement.objects.filter(placement=placement).update(effective_from=None)
        Placement.objects.filter(pk=placement.pk).update(current_agreement=None)
    migration = importlib.import_module("placements.migrations.0008_agreement_effective_from_current_pointer")
    migration.backfill(apps, None)
    with scopes_disabled():
        placement.refresh_from_db()
        v1, v2 = CommissioningAgreement.objects.filter(placement=placement).order_by("version")
    assert placement.current_agreement_id == v2.pk
    assert v1.effective_from == placement.start_date
    assert v2.effective_from == TODAY  # agreed by both today (in England)
