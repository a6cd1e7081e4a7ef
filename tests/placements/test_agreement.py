"""Commissioning agreement: versions with history, full-time hours, the provider-registration
test as a blocking error, and the initial-assessment reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from apcommission import clock
from placements import lifecycle, services
from placements.factories import PupilFactory, PupilSensitiveFactory, placement_in_state
from placements.models import CommissioningAgreement, State, TimetableSession
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def _accepted_with_draft(world, *, sessions=((0, 9, 12),), home=Decimal("10"), pupil=None, provider=None):
    pupil = pupil or world.pupils["a"]
    provider = provider or world.org(K.PROVIDER)
    placement = placement_in_state(pupil=pupil, provider=provider, state=State.ACCEPTED, now=NOW)
    with scope(organisation=placement.school):
        agreement = services.agreement_draft(placement=placement, by=None, now=NOW)
        services.agreement_save(agreement=agreement, data={"start_date": NOW.date(), "home_school_hours": home,
                                                           "rationale": "Why",
                                                           "school_lead": world.user(K.SCHOOL, Role.AP_LEAD),
                                                           "next_visit_on": NOW.date() + dt.timedelta(days=14)})
        services.target_add(agreement=agreement, data={"target": "Attend"})
        for weekday, start, end in sessions:
            services.session_add(agreement=agreement, data={"weekday": weekday, "part": "am" if start < 12 else "pm",
                                                            "start_time": dt.time(start), "end_time": dt.time(end)})
    return placement, agreement


def _agree(world, agreement, kind):
    org = world.org(kind)
    by = world.user(kind, Role.AP_LEAD if kind == K.SCHOOL else Role.PROVIDER_MANAGER)
    with scope(organisation=org):
        return services.agreement_agree(agreement=agreement, by=by, organisation=org, now=NOW)


def test_both_sides_agree_then_a_change_makes_a_new_version(world):
    placement, v1 = _accepted_with_draft(world)
    _agree(world, v1, K.SCHOOL)
    placement.refresh_from_db()
    assert placement.state == State.ACCEPTED
    _agree(world, v1, K.PROVIDER)
    placement.refresh_from_db()
    assert placement.state == State.AGREED and placement.weekly_hours == 3 and placement.total_weekly_hours == 13
    with scope(organisation=placement.school):
        v2 = services.agreement_draft(placement=placement, by=None, now=NOW)
        assert v2.version == 2 and v2.sessions.count() == 1 and v2.targets.count() == 1
        services.session_add(agreement=v2, data={"weekday": 1, "part": "am", "start_time": dt.time(9),
                                                 "end_time": dt.time(12)})
        services.agreement_save(agreement=v2, data={"effective_from": NOW.date()})  # a later version says when
        assert services.agreement_draft(placement=placement, by=None, now=NOW).pk == v2.pk  # still the draft
        with pytest.raises(ValidationError):
            services.agreement_save(agreement=CommissioningAgreement.objects.get(pk=v1.pk), data={"rationale": "x"})
    _agree(world, v2, K.SCHOOL)
    _agree(world, v2, K.PROVIDER)
    placement.refresh_from_db()
    assert placement.state == State.AGREED and placement.weekly_hours == 6  # the new version is current
    with scopes_disabled():
        v1.refresh_from_db()
        assert v1.is_agreed and v1.sessions.count() == 1  # history kept unchanged


def test_a_change_after_one_side_agreed_needs_both_again(world):
    placement, agreement = _accepted_with_draft(world)
    _agree(world, agreement, K.SCHOOL)
    with scope(organisation=placement.school):
        services.target_add(agreement=agreement, data={"target": "Another"})
        agreement.refresh_from_db()
    assert agreement.school_agreed_at is None


def test_agreeing_without_a_timetable_is_blocked(world):
    placement, agreement = _accepted_with_draft(world, sessions=())
    with pytest.raises(lifecycle.TransitionBlocked) as exc:
        _agree(world, agreement, K.SCHOOL)
    assert "timetable" in " ".join(exc.value.problems)


def _full_time_pupils_elsewhere(world, n, provider):
    """n pupils from side b's school already full time (20 h) at `provider`."""
    for _ in range(n):
        placement_in_state(pupil=PupilFactory(school=world.org(K.SCHOOL, "b")), provider=provider,
                           state=State.ACTIVE, now=NOW, hours_per_session=5, sessions=4)


def test_registration_rule_blocks_the_fifth_full_time_pupil(world, login, client):
    provider = world.org(K.PROVIDER)
    _full_time_pupils_elsewhere(world, 4, provider)
    full_week = tuple((d, 9, 14) for d in range(4))  # 20 hours > 18
    placement, agreement = _accepted_with_draft(world, sessions=full_week, home=Decimal("5"))
    with pytest.raises(lifecycle.TransitionBlocked) as exc:
        _agree(world, agreement, K.SCHOOL)
    assert "not registered" in " ".join(exc.value.problems)
    with scopes_disabled():
        agreement.refresh_from_db()
    assert agreement.school_agreed_at is None
    login(world.user(K.SCHOOL, Role.AP_LEAD))
    page = text(client.get(f"/o/school-a/placements/{placement.pk}/agreement/"))
    assert "This version cannot be agreed yet" in page and "not registered as a school" in page
    assert "Agree version 1" not in page


def test_registration_rule_allows_part_time_or_a_registered_provider(world):
    provider = world.org(K.PROVIDER)
    _full_time_pupils_elsewhere(world, 4, provider)
    placement, agreement = _accepted_with_draft(world, sessions=((0, 9, 12), (1, 9, 12)))  # 6 hours
    _agree(world, agreement, K.SCHOOL)  # part time: does not count
    from providers.models import ProviderProfile, RegistrationStatus

    other = PupilFactory(school=world.org(K.SCHOOL))
    with scopes_disabled():
        ProviderProfile.objects.update_or_create(provider=provider,
                                                 defaults={"registration_status": RegistrationStatus.REGISTERED, "dfe_urn": "123456"})
    placement2, agreement2 = _accepted_with_draft(world, pupil=other, sessions=tuple((d, 9, 14) for d in range(4)))
    _agree(world, agreement2, K.SCHOOL)


def test_one_looked_after_full_time_pupil_needs_registration(world):
    PupilSensitiveFactory(pupil=world.pupils["a"], looked_after="statutory", order_held_by="LA A")
    placement, agreement = _accepted_with_draft(world, sessions=tuple((d, 9, 14) for d in range(4)))
    with pytest.raises(lifecycle.TransitionBlocked) as exc:
        _agree(world, agreement, K.SCHOOL)
    assert "not registered" in " ".join(exc.value.problems)


def test_part_time_warning_and_school_days_on_the_agreement_page(world, login, client):
    placement, agreement = _accepted_with_draft(world, sessions=((0, 9, 12), (2, 9, 12)), home=Decimal("12"))
    login(world.user(K.SCHOOL, Role.AP_LEAD))
    with clock.frozen(NOW):
        page = text(client.get(f"/o/school-a/placements/{placement.pk}/agreement/"))
    assert "Part-time timetable: 18 hours a week in total, 7 hours below the 25 hours expected for Year 10" in page
    assert page.count("School") >= 8  # eight half-days without a session are school time


def test_other_active_placements_count_towards_the_week(world):
    pupil = world.pupils["a"]
    other_provider = world.org(K.PROVIDER, "b")
    placement_in_state(pupil=pupil, provider=other_provider, state=State.ACTIVE, now=NOW, hours_per_session=3,
                       sessions=2)
    placement, agreement = _accepted_with_draft(world, sessions=((3, 9, 12),), home=Decimal("13"))
    from placements.selectors import full_time_for

    with scope(organisation=placement.school):
        check = full_time_for(placement, agreement)
    assert (check.other_placement_hours, check.total, check.part_time) == (6, 22, True)


def test_sessions_cannot_overlap_a_half_day(world):
    placement, agreement = _accepted_with_draft(world)
    with scope(organisation=placement.school), pytest.raises(ValidationError):
        services.session_add(agreement=agreement, data={"weekday": 0, "part": "am", "start_time": dt.time(9),
                                                        "end_time": dt.time(11)})
    with scopes_disabled():
        assert TimetableSession.objects.filter(agreement=agreement).count() == 1


def test_provider_reads_a_version_only_once_the_school_has_agreed_it(world, login, client):
    """A school's unagreed draft is its working copy: the provider sees "no agreement yet"."""
    placement, agreement = _accepted_with_draft(world, sessions=((0, 9, 12),), home=Decimal("12"))
    with scopes_disabled():
        CommissioningAgreement.objects.filter(pk=agreement.pk).update(rationale="DRAFT-RATIONALE-ONLY")
    login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    with clock.frozen(NOW):
        page = text(client.get(f"/o/provider-a/placements/{placement.pk}/agreement/"))
        assert "No agreement has been written yet" in page and "9am" not in page
        assert client.get(f"/o/provider-a/placements/{placement.pk}/agreement/pdf/").status_code == 404
        _agree(world, agreement, K.SCHOOL)
        page = text(client.get(f"/o/provider-a/placements/{placement.pk}/agreement/"))
    assert "9am" in page  # times in GOV.UK style (issue 10)


def test_removing_part_of_an_agreed_version_is_refused_on_the_agreement_page(world, login):
    """Before: a flash banner after a redirect; now the agreement page answers 400 with the reason in
    its GOV.UK error summary, and the agreed version keeps its target."""
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.AGREED,
                                   now=NOW)
    with scopes_disabled():
        target = placement.agreements.get().targets.first()
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    response = client.post(f"/o/school-a/placements/{placement.pk}/agreement/targets/{target.pk}/remove/")
    assert response.status_code == 400
    summary = BeautifulSoup(response.content, "html.parser").select_one(".govuk-error-summary")
    assert summary is not None and "An agreed version cannot be changed" in summary.get_text()
    with scopes_disabled():
        assert placement.agreements.get().targets.filter(pk=target.pk).exists()
