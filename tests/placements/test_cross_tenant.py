"""Cross-tenant reads on the request path return numbers and yes/no facts only (issue 8 item 4),
and the directory and the agreement check show the same registration figures (issue 9)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from bs4 import BeautifulSoup

from apcommission import clock
from placements import cross_tenant, selectors
from placements.models import Placement
from providers import api as providers_api
from providers.selectors import registration_assessment
from providers.services import pupil_group_add
from slas import cross_tenant as slas_cross_tenant
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW, TODAY
from .test_agreement import _accepted_with_draft

FULL_WEEK = tuple((d, 9, 14) for d in range(4))  # 20 hours a week: full time for the registration test


def _numbers_only(value) -> bool:
    if isinstance(value, (bool, int, Decimal)) or value is None:
        return True
    if isinstance(value, (list, tuple)):
        return all(_numbers_only(v) for v in value)
    return False


def _declare(world, provider, *, pupils: int, hours: str):
    with scope(organisation=provider):
        pupil_group_add(provider=provider, by=world.user(K.PROVIDER, Role.PROVIDER_MANAGER), now=NOW,
                        data={"description": "Year 10 elsewhere", "pupils": pupils, "weekly_hours": Decimal(hours),
                              "compulsory_school_age": True, "looked_after": 0, "with_ehcp": 0})


def test_cross_tenant_functions_return_only_numbers_and_booleans(shared_provider_world):
    world = shared_provider_world
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    other = world.placements["c"]  # school c's looked-after pupil with an EHC plan, at provider a
    # Read from school a's scope and from the provider's: nothing but numbers either way.
    for reader in (school, provider):
        with scope(organisation=reader):
            facts = {
                "suitability_current": cross_tenant.suitability_current(school=school, provider=provider, on=TODAY),
                "provider_is_registered": cross_tenant.provider_is_registered(provider=provider),
                "suspended_for": cross_tenant.suspended_for(school=school, provider=provider),
                "other_placement_hours": cross_tenant.other_placement_hours(pupil_id=other.pupil_id,
                                                                             exclude_placement_id=None),
                "commissioning_school_ids": cross_tenant.commissioning_school_ids(provider=provider),
            }
            counts = cross_tenant.registration_counts(provider=provider, on=TODAY)
            figures = cross_tenant.registration_figures(provider=provider, on=TODAY)
            terms = slas_cross_tenant.sla_terms_for(school=school, provider=provider, on=TODAY)
        assert all(_numbers_only(v) for v in facts.values()), facts
        assert facts["other_placement_hours"] == Decimal("12")  # school c's pupil: hours, not where
        assert facts["commissioning_school_ids"] == [world.org(K.SCHOOL, "c").pk]
        for value in (counts, figures.counted, figures.declared, terms):
            assert all(_numbers_only(getattr(value, f.name)) for f in dataclasses.fields(value)), value
        assert (counts.full_time, counts.part_time) == (0, 1)  # 12 hours: part time
    assert facts["suitability_current"] is False and facts["suspended_for"] is False


def test_one_looked_after_pupil_of_another_school_counts_without_leaving_the_query(shared_provider_world):
    """School c's pupil (looked after, EHC plan) goes full time: the count says so, as a number."""
    world = shared_provider_world
    provider = world.org(K.PROVIDER)
    other = world.placements["c"]
    with scope(organisation=world.org(K.SCHOOL)):
        counts = cross_tenant.registration_counts(provider=provider, on=TODAY, exclude_placement_id=other.pk,
                                                  add_pupil_id=other.pupil_id, add_hours=Decimal("20"))
    assert counts == providers_api.PupilCounts(full_time=1, looked_after=1, ehcp=1, part_time=0)


def test_the_directory_and_the_agreement_check_show_the_same_figures(shared_provider_world, login, client):
    world = shared_provider_world
    provider = world.org(K.PROVIDER)
    _declare(world, provider, pupils=2, hours="20")  # pupils from elsewhere: declared
    placement, agreement = _accepted_with_draft(world, sessions=FULL_WEEK, home=Decimal("5"))
    with clock.frozen(NOW), scope(organisation=world.org(K.SCHOOL)):
        directory = providers_api.registration_figures(provider=provider, on=TODAY)
        check = selectors.registration_for(placement, agreement, on=TODAY)
    # Counted: school c's placement (12 hours, part time); declared: two full-time pupils.
    assert (directory.counted.full_time, directory.counted.part_time) == (0, 1)
    assert (directory.declared.full_time, directory.declared.part_time) == (2, 0)
    # The agreement check starts from the same figures and adds this placement (20 hours).
    assert check.figures.declared == directory.declared
    assert check.figures.counted == dataclasses.replace(directory.counted, full_time=directory.counted.full_time + 1)
    assert not check.required and not check.required_without_this
    # The directory page a school reads shows those numbers.
    login(world.user(K.SCHOOL, Role.AP_LEAD))
    with clock.frozen(NOW):
        page = client.get(f"/o/school-a/directory/{provider.pk}/")
    words = BeautifulSoup(page.content, "html.parser").get_text(" ", strip=True)
    assert page.status_code == 200
    assert "2 full-time pupils of compulsory school age" in words and "1 part time" in words


def test_the_directory_counts_placements_the_provider_did_not_declare(shared_provider_world):
    world = shared_provider_world
    provider = world.org(K.PROVIDER)
    other = world.placements["c"]
    with scopes_disabled():
        Placement.objects.filter(pk=other.pk).update(weekly_hours=Decimal("20"))
    with scope(organisation=world.org(K.LOCAL_AUTHORITY)):
        assessment = registration_assessment(provider=provider, on=TODAY)
    # One looked-after full-time pupil placed through the service: the provider must register.
    assert assessment.required and assessment.full_time_pupils == 1 and assessment.full_time_looked_after == 1


def test_the_directory_page_never_counts_another_schools_looked_after_pupils(shared_provider_world, login, client):
    """The provider must register because of school c's looked-after pupil; school a's AP lead reads
    that registration is required and why in general terms, never how many pupils are looked after
    or have an EHC plan (issue 8: nothing about other schools' pupils leaves the rule)."""
    world = shared_provider_world
    provider = world.org(K.PROVIDER)
    _declare(world, provider, pupils=1, hours="10")  # the provider's profile exists; this group is part time
    with scopes_disabled():
        Placement.objects.filter(pk=world.placements["c"].pk).update(weekly_hours=Decimal("20"))
    login(world.user(K.SCHOOL, Role.AP_LEAD))
    with clock.frozen(NOW):
        page = client.get(f"/o/school-a/directory/{provider.pk}/")
    words = BeautifulSoup(page.content, "html.parser").get_text(" ", strip=True)
    assert "Registration required" in words
    assert "a full-time pupil is looked after or has an EHC plan" in words
    assert "1 looked after" not in words and "1 full-time pupil looked after" not in words
    assert "with an EHC plan;" not in words and "1 with an EHC plan" not in words
