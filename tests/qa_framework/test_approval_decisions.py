"""The approved list: a signed visit's outcome becomes a decision, the listing's status follows
(one source of truth), an LA's change by hand is a decision too, and a refusal tells the schools
with placements there (issue 13 items 5-6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.models import Notification
from placements import services as placement_services
from providers import api as providers_api
from providers.models import ListingStatus, ProviderListing
from qa_framework import approval
from qa_framework.models import ApprovalDecision, ApprovalStatus, Outcome
from slas import services as sla_services
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .qasign_helpers import NOW, completed_visit, sign_both


def _listing(world, side="a"):
    with scopes_disabled():
        return ProviderListing._base_manager.get(provider=world.org(K.PROVIDER, side),
                                                 local_authority=world.org(K.LOCAL_AUTHORITY, side))


@pytest.mark.parametrize(("outcome", "status", "due"), [
    (Outcome.APPROVED, ApprovalStatus.APPROVED, dt.date(2027, 11, 25)),  # a year
    (Outcome.APPROVED_WITH_CONDITIONS, ApprovalStatus.APPROVED_WITH_CONDITIONS, dt.date(2027, 5, 25)),  # 6 months
    (Outcome.NOT_MET_MAY_REAPPLY, ApprovalStatus.NOT_APPROVED, None),
    (Outcome.NOT_MET_WITHDRAWN, ApprovalStatus.WITHDRAWN, None),
])
def test_a_signed_visit_decides_and_the_listing_follows(world, outcome, status, due):
    visit = completed_visit(world, outcome=outcome)
    sign_both(world, visit)
    with scopes_disabled():
        decision = ApprovalDecision._base_manager.get(visit=visit)
    assert (decision.status, decision.next_visit_due, decision.version_id) == (status, due, visit.version_id)
    assert decision.decided_by == world.user(K.PROVIDER, Role.PROVIDER_MANAGER)  # the second signer
    assert _listing(world).status == status


def test_the_la_changes_status_by_hand_as_a_decision(world, login):
    client = login(world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER))
    url = reverse("providers:listing_status", kwargs={"org": "la-a", "provider_pk": world.org(K.PROVIDER).pk})
    page = client.post(url, {"status": "suspended"}).content.decode()
    assert "Enter the reason for the decision" in page  # a suspension says why
    assert client.post(url, {"status": "suspended", "reason": "Safeguarding concern under review"}).status_code == 302
    with scopes_disabled():
        decision = ApprovalDecision._base_manager.get()
    assert decision.status == "suspended" and decision.reason == "Safeguarding concern under review"
    assert decision.visit is None and decision.next_visit_due is None
    assert _listing(world).status == "suspended"


def test_the_directory_page_shows_status_and_history_the_report_only_when_shared(world, login):
    visit = completed_visit(world, outcome=Outcome.APPROVED_WITH_CONDITIONS)
    sign_both(world, visit)
    provider = world.org(K.PROVIDER)
    report = reverse("qa_framework:visit_report_pdf", kwargs={"org": "school-a", "pk": visit.pk})
    school = login(world.user(K.SCHOOL, Role.AP_LEAD))
    page = school.get(reverse("providers:directory_provider", kwargs={"org": "school-a", "provider_pk": provider.pk}))
    text = page.content.decode()
    assert "Approved with conditions" in text and "version 1" in text and report not in text
    assert school.get(report).status_code == 404
    with scopes_disabled():
        type(visit)._base_manager.filter(pk=visit.pk).update(shared_with_schools=True)
    text = school.get(reverse("providers:directory_provider", kwargs={"org": "school-a",
                                                                      "provider_pk": provider.pk})).content.decode()
    assert report in text
    assert school.get(report).status_code == 200
    # Another LA's school reads nothing of it.
    other = login(world.user(K.SCHOOL, Role.AP_LEAD, "b"))
    assert other.get(reverse("qa_framework:visit_report_pdf", kwargs={"org": "school-b", "pk": visit.pk})).status_code == 404


def test_a_suspension_tells_the_las_schools_with_placements_there_without_pupil_names(shared_provider_world):
    world = shared_provider_world
    la, provider = world.org(K.LOCAL_AUTHORITY), world.org(K.PROVIDER)
    decision = approval.record_decision(local_authority=la, provider=provider, status=ApprovalStatus.SUSPENDED,
                                        by=world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER), now=NOW,
                                        reason="Concerns about supervision")
    approval._tell_commissioning_schools(decision, now=NOW)  # again: nobody is told twice
    with scopes_disabled():
        told = list(Notification._base_manager.filter(dedupe_key=f"approval:{decision.pk}"))
        pupil = world.pupils["c"]
    assert told and {n.organisation_id for n in told} == {world.org(K.SCHOOL, "c").pk}
    assert len(told) == len({n.user_id for n in told})
    for n in told:
        assert "suspended" in n.subject and pupil.first_name not in n.body + n.subject
        assert pupil.last_name not in n.body + n.subject


@pytest.mark.parametrize("status", ["suspended", "not_approved", "withdrawn", "lapsed"])
def test_refused_statuses_stop_new_referrals_and_slas(world, status):
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    approval.record_decision(local_authority=world.org(K.LOCAL_AUTHORITY), provider=provider, status=status,
                             by=None, now=NOW, reason="x")
    lead = world.member(K.SCHOOL, Role.AP_LEAD)
    with scope(organisation=school):
        check = providers_api.commissioning_check(school=school, provider=provider)
        assert check.refused and "should not commission new places" in check.message
        assert provider not in list(providers_api.providers_for_referral(school))
        with pytest.raises(ValidationError) as caught:
            placement_services.referral_start(school=school, pupil=world.pupils["a"], provider=provider,
                                              registration_code="B", by=lead.user, now=NOW)
        assert "should not commission new places" in str(caught.value)
        with pytest.raises(ValidationError, match="You cannot start a new SLA"):
            sla_services.sla_create(school=school, provider=provider, created_by=lead.user, now=NOW)


@pytest.mark.parametrize(("status", "warning"), [
    (ListingStatus.CONDITIONS, "approved Provider A with conditions"),
    (ListingStatus.LISTED, "has not quality assured it yet"),
    (ListingStatus.APPROVED, ""),
])
def test_conditions_and_not_yet_quality_assured_are_warnings(world, status, warning):
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    if status != ListingStatus.LISTED:
        approval.record_decision(local_authority=world.org(K.LOCAL_AUTHORITY), provider=provider, status=status,
                                 by=None, now=NOW)
    with scope(organisation=school):
        check = providers_api.commissioning_check(school=school, provider=provider)
        assert not check.refused and (warning in check.message if warning else check.message == "")
        assert provider in list(providers_api.providers_for_referral(school))


def test_the_referral_list_starts_with_the_las_listed_providers(world):
    school = world.org(K.SCHOOL)
    la = world.org(K.LOCAL_AUTHORITY)
    with scopes_disabled():
        unlisted = world.org(K.PROVIDER, "b")
    approval.record_decision(local_authority=la, provider=world.org(K.PROVIDER), by=None, now=NOW,
                             status=ApprovalStatus.APPROVED_WITH_CONDITIONS)
    with scope(organisation=school):
        names = [p.name for p in providers_api.providers_for_referral(school)]
    assert names.index("Provider A") < names.index(unlisted.name)


def test_schools_are_warned_where_they_act(world, login):
    """Approved with conditions: the referral's provider list says so, and starting a referral or an
    SLA with the provider shows the LA's warning."""
    approval.record_decision(local_authority=world.org(K.LOCAL_AUTHORITY), provider=world.org(K.PROVIDER),
                             by=None, now=NOW, status=ApprovalStatus.APPROVED_WITH_CONDITIONS)
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    start = reverse("placements:referral_start", kwargs={"org": "school-a"})
    assert "Provider A (approved with conditions by your local authority)" in client.get(start).content.decode()
    page = client.post(start, {"pupil": world.pupils["a"].pk, "provider": world.org(K.PROVIDER).pk,
                               "registration_code": "B"}, follow=True).content.decode()
    assert "LA A has approved Provider A with conditions" in page
    page = client.post(reverse("slas:create", kwargs={"org": "school-a"}),
                       {"provider": world.org(K.PROVIDER).pk, "template": "default"}, follow=True).content.decode()
    assert "LA A has approved Provider A with conditions" in page
