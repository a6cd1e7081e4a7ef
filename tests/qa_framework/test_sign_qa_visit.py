"""Two-party signature of a completed QA visit through the one signing service (issue 13 item 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from apcommission import signing as kernel
from notifications.models import Notification
from qa_framework import signing
from qa_framework.models import ApprovalDecision, Judgement, QASignature, QAVisit, VisitState
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .qasign_helpers import NOW, completed_visit, sign, sign_both


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


OWNER, PROVIDER = signing.Party.OWNER, signing.Party.PROVIDER


def _reload(visit):
    with scopes_disabled():
        return QAVisit._base_manager.get(pk=visit.pk)


def test_both_sides_sign_and_the_visit_is_signed_with_one_hash(world):
    visit = completed_visit(world)
    first = sign(world, visit, OWNER)
    visit = _reload(visit)
    assert visit.state == VisitState.COMPLETED and visit.content_hash == first.content_hash
    with scopes_disabled():
        expected = kernel.content_hash(signing.canonical_content(visit))
    assert first.content_hash == expected and len(expected) == 64
    with scopes_disabled():  # the provider's manager is asked to sign, once
        asked = list(Notification._base_manager.filter(topic="qa_visit_signature"))
    assert [n.user for n in asked] == [world.user(K.PROVIDER, Role.PROVIDER_MANAGER)]
    assert f"/o/provider-a/qa/visits/{visit.pk}/sign-for-provider/" in asked[0].link
    second = sign(world, visit, PROVIDER, now=NOW + dt.timedelta(hours=1))
    visit = _reload(visit)
    assert visit.state == VisitState.SIGNED and visit.signed_at == NOW + dt.timedelta(hours=1)
    assert second.content_hash == first.content_hash == visit.content_hash
    assert second.typed_name == world.user(K.PROVIDER, Role.PROVIDER_MANAGER).full_name
    with scopes_disabled():
        assert ApprovalDecision._base_manager.filter(visit=visit).count() == 1


def test_the_content_is_fixed_by_the_first_signature(world):
    visit = completed_visit(world)
    sign(world, visit, OWNER)
    with scopes_disabled():
        judgement = Judgement._base_manager.filter(visit=visit).first()
        judgement.evidence = "changed afterwards"
        with pytest.raises(kernel.SignedDocumentLocked):
            judgement.save()
        with pytest.raises(kernel.SignedDocumentLocked), transaction.atomic():  # delete's own atomic breaks
            judgement.delete()
        fresh = QAVisit._base_manager.get(pk=visit.pk)
        fresh.overview = "rewritten"
        with pytest.raises(kernel.SignedDocumentLocked):
            fresh.save()
        with pytest.raises(kernel.SignedDocumentLocked), transaction.atomic():
            fresh.delete()
        fresh = QAVisit._base_manager.get(pk=visit.pk)
        fresh.shared_with_schools = True  # the LA may still share the report with its schools
        fresh.save(update_fields=["shared_with_schools"])


def test_a_signed_visit_is_immutable_and_cannot_be_signed_again(world):
    visit = completed_visit(world)
    sign_both(world, visit)
    with pytest.raises(kernel.SignedDocumentLocked):
        sign(world, visit, OWNER)
    with scopes_disabled():
        fresh = QAVisit._base_manager.get(pk=visit.pk)
        fresh.outcome_reason = "after the event"
        with pytest.raises(kernel.SignedDocumentLocked):
            fresh.save()
        assert QASignature._base_manager.filter(visit=visit).count() == 2


def test_a_change_behind_the_services_back_is_refused_at_the_second_signature(world):
    visit = completed_visit(world)
    sign(world, visit, OWNER)
    with scopes_disabled():  # a bulk UPDATE passes no signal: the hash check is the backstop
        Judgement._base_manager.filter(visit=visit).update(level="partially")
    with pytest.raises(ValidationError, match="changed after the other side signed"):
        sign(world, visit, PROVIDER)
    assert _reload(visit).state == VisitState.COMPLETED


@pytest.mark.parametrize(("kind", "role", "party"), [
    (K.LOCAL_AUTHORITY, Role.AP_OFFICER, OWNER),  # no run_qa_visits
    (K.PROVIDER, Role.PROVIDER_STAFF, PROVIDER),  # no sign_agreements
    (K.LOCAL_AUTHORITY, Role.QA_OFFICER, PROVIDER),  # not the provider
    (K.PROVIDER, Role.PROVIDER_MANAGER, OWNER),  # not the LA
])
def test_only_the_two_sides_with_the_right_roles_sign(world, kind, role, party):
    visit = completed_visit(world)
    member = world.member(kind, role)
    with scope(organisation=member.organisation), pytest.raises(ValidationError, match="Only the organisation"):
        signing.qa_visit_sign(visit=visit, membership=member, party=party, typed_name=member.user.full_name,
                              position="x", now=NOW)
    with scopes_disabled():
        assert not QASignature._base_manager.exists()


def test_only_a_completed_visit_with_an_outcome_is_signed(world):
    visit = completed_visit(world)
    with scopes_disabled():
        QAVisit._base_manager.filter(pk=visit.pk).update(state=VisitState.IN_PROGRESS)
    with pytest.raises(ValidationError, match="Complete the QA visit"):
        sign(world, visit, OWNER)
    with scopes_disabled():
        QAVisit._base_manager.filter(pk=visit.pk).update(state=VisitState.COMPLETED, outcome="")
    with pytest.raises(ValidationError, match="Choose the outcome"):
        sign(world, visit, OWNER)


def test_typed_name_and_position_are_checked(world):
    visit = completed_visit(world)
    with pytest.raises(ValidationError) as caught:
        sign(world, visit, OWNER, typed_name="Someone Else")
    assert "typed_name" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        sign(world, visit, OWNER, position=" ")
    assert caught.value.message_dict == {"position": ["Enter your position"]}
    sign(world, visit, OWNER)
    with pytest.raises(ValidationError, match="already signed"):
        sign(world, visit, OWNER)


def test_the_sla_signature_uses_the_same_hash():
    document = {"b": [1, 2], "a": "é"}
    assert kernel.canonical_json(document) == '{"a":"é","b":[1,2]}'
    assert kernel.content_hash(document) == kernel.content_hash({"a": "é", "b": [1, 2]})
