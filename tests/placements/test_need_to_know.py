"""Issue 8's findings on placements, each as a user would notice it: what the provider and the
trust read on the timeline, the registration-law message, suspended providers, and pages that
must not change anything when opened."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from apcommission import clock
from placements import provider_checks, selectors, services
from placements.factories import PupilFactory, PupilSensitiveFactory, placement_in_state
from placements.models import CommissioningAgreement, EventKind, Placement, PlacementEvent, State
from providers.models import ListingStatus, ProviderListing
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .conftest import NOW


def text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def _suspend(world, side="a"):
    with scopes_disabled():
        ProviderListing.objects.filter(local_authority=world.org(K.LOCAL_AUTHORITY, side),
                                       provider=world.org(K.PROVIDER, side)).update(status=ListingStatus.SUSPENDED)


def test_school_internal_timeline_events_stay_with_the_school(world, login, client):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.ACCEPTED,
                                   now=NOW)
    head = world.user(K.SCHOOL, Role.HEADTEACHER)
    head.full_name = "Hermione Headley"
    head.save()
    with scope(organisation=world.org(K.SCHOOL)):
        services._event(placement, kind=EventKind.REFERRAL, summary="Headteacher did not approve the referral",
                        by=head, organisation=world.org(K.SCHOOL), now=NOW)
        PlacementEvent.objects.create(placement=placement, at=NOW, by=head, by_organisation=world.org(K.SCHOOL),
                                      kind=EventKind.TRANSITION, summary="Referral sent to Provider A")
    url = f"placements/{placement.pk}/"
    school_page = text(login(head).get(f"/o/school-a/{url}"))
    assert "did not approve" in school_page and "Hermione Headley" in school_page
    for kind, role, slug in ((K.PROVIDER, Role.PROVIDER_MANAGER, "provider-a"),
                             (K.TRUST, Role.TRUST_EXECUTIVE, "trust-a")):
        page = text(login(world.user(kind, role)).get(f"/o/{slug}/{url}"))
        assert "Referral sent to Provider A" in page and "School A" in page
        assert "did not approve" not in page and "Hermione" not in page, (kind, role)


def test_registration_message_says_nothing_about_another_schools_pupils(world, login, client):
    """Provider A already teaches a looked-after pupil of school B full time; school A's agreement
    check must not tell school A about that pupil."""
    other = PupilFactory(school=world.org(K.SCHOOL, "b"))
    placement_in_state(pupil=other, provider=world.org(K.PROVIDER), state=State.ACTIVE, now=NOW,
                       hours_per_session=6, sessions=5)
    # Taken into care since (the lifecycle would not have agreed the placement with the pupil looked after).
    PupilSensitiveFactory(pupil=other, looked_after="statutory", order_held_by="LA B")
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.ACCEPTED,
                                   now=NOW)
    with scope(organisation=world.org(K.SCHOOL)):
        agreement = services.agreement_draft(placement=placement, by=None, now=NOW)
        services.agreement_save(agreement=agreement, data={"start_date": NOW.date(), "home_school_hours": Decimal("0"),
                                                           "rationale": "Why",
                                                           "school_lead": world.user(K.SCHOOL, Role.AP_LEAD),
                                                           "next_visit_on": NOW.date() + dt.timedelta(days=14)})
        services.target_add(agreement=agreement, data={"target": "Attend"})
        for day in range(5):
            services.session_add(agreement=agreement, data={"weekday": day, "part": "am", "start_time": dt.time(9),
                                                            "end_time": dt.time(15)})
    login(world.user(K.SCHOOL, Role.AP_LEAD))
    with clock.frozen(NOW):
        page = text(client.get(f"/o/school-a/placements/{placement.pk}/agreement/"))
    assert "is not registered as a school" in page
    for leak in ("looked after", "looked-after", "1 full-time pupil", "EHC"):
        assert leak not in page, leak


def test_a_suspended_provider_cannot_be_referred_to(world, login, client):
    from .conftest import signoff

    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    draft = placement_in_state(pupil=world.pupils["a"], provider=provider, state=State.DRAFT, now=NOW)
    _suspend(world)
    with scope(organisation=school):
        choices = list(provider_checks.providers_for_referral(school))
        assert provider not in choices and world.org(K.PROVIDER, "b") in choices
        try:
            services.referral_start(school=school, pupil=world.pupils["a"], provider=provider,
                                    registration_code="B", by=None, now=NOW)
        except ValidationError as exc:
            assert "LA A has suspended Provider A" in " ".join(exc.messages)
        else:
            raise AssertionError("a referral to a suspended provider was started")
        assert list(Placement.objects.values_list("pk", flat=True)) == [draft.pk]  # only the earlier draft
    # The form says why it cannot be chosen: it is not offered at all.
    login(world.user(K.SCHOOL, Role.AP_LEAD))
    page = client.get("/o/school-a/referrals/new/").content.decode()
    assert "Provider A" not in page and "Provider B" in page
    # A referral drafted before the suspension cannot be sent to it.
    signoff(school, provider, by=world.user(K.SCHOOL, Role.AP_LEAD))
    from placements.lifecycle import GUARDS, Transition

    with scope(organisation=school):
        problems = GUARDS[Transition.REFER](Placement.objects.get(pk=draft.pk), NOW.date())
    assert any("suspended" in p for p in problems)


def test_referral_choices_list_the_schools_la_providers_first(world):
    school = world.org(K.SCHOOL)
    with scopes_disabled():
        ProviderListing.objects.filter(local_authority=world.org(K.LOCAL_AUTHORITY),
                                       provider=world.org(K.PROVIDER)).update(status=ListingStatus.APPROVED)
    with scope(organisation=school):
        choices = list(provider_checks.providers_for_referral(school))
    assert choices[0] == world.org(K.PROVIDER)  # listed (approved) by LA A
    assert choices.index(world.org(K.PROVIDER)) < choices.index(world.org(K.PROVIDER, "b"))  # B: not LA A's


def test_opening_agreement_edit_pages_creates_no_version(world, login, client):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.AGREED,
                                   now=NOW)
    with scopes_disabled():
        before = CommissioningAgreement.objects.filter(placement=placement).count()
    assert before >= 1
    member = login(world.user(K.SCHOOL, Role.AP_LEAD))
    for page in ("agreement/edit/", "agreement/targets/new/", "agreement/sessions/new/"):
        response = member.get(f"/o/school-a/placements/{placement.pk}/{page}")
        assert response.status_code == 200, page
    with scopes_disabled():
        assert CommissioningAgreement.objects.filter(placement=placement).count() == before
    # Saving the edit form does start the new version.
    with scope(organisation=world.org(K.SCHOOL)):
        draft = selectors.agreement_to_edit(Placement.objects.get(pk=placement.pk))
    assert draft.pk is None and draft.version == before + 1
