"""The scoping layer refuses unscoped queries and filters every scoped model to the tenant."""

import pytest
from django.apps import apps

from placements.models import Pupil
from tenancy.models import Membership
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import ScopedModel, ScopeError, scope, scopes_disabled

SCOPED_MODELS = sorted(
    (m for m in apps.get_models() if issubclass(m, ScopedModel)), key=lambda m: m._meta.label
)


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


def test_there_are_scoped_models():
    labels = {m._meta.label for m in SCOPED_MODELS}
    assert {"placements.Pupil", "tenancy.Membership", "tenancy.AuditEvent", "accounts.Invitation"} <= labels


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label)
def test_unscoped_query_raises(model, db):
    with pytest.raises(ScopeError):
        list(model.objects.all())


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label)
def test_every_scoped_model_has_a_rule_for_each_kind(model, world):
    # scope_q must answer for every kind of organisation (even if the answer is "nothing").
    for kind in K.values:
        with scope(organisation=world.org(kind)):
            list(model.objects.all()[:1])


def test_school_sees_only_its_own_pupils(world):
    with scope(organisation=world.org(K.SCHOOL, "a")):
        assert list(Pupil.objects.all()) == [world.pupils["a"]]
        assert not Pupil.objects.filter(pk=world.pupils["b"].pk).exists()


def test_trust_reads_across_its_schools_only(world):
    with scope(organisation=world.org(K.TRUST, "a")):
        assert list(Pupil.objects.all()) == [world.pupils["a"]]


def test_provider_and_la_see_no_pupils_without_placements(world):
    for kind in (K.PROVIDER, K.LOCAL_AUTHORITY):
        with scope(organisation=world.org(kind, "a")):
            assert Pupil.objects.count() == 0


def test_reverse_relations_are_scoped_too(world):
    school_b = world.org(K.SCHOOL, "b")
    with scope(organisation=world.org(K.SCHOOL, "a")):
        assert list(school_b.pupils.all()) == []


def test_scopes_disabled_sees_all_tenants(world):
    with scopes_disabled():
        assert Pupil.objects.count() == 2


def test_memberships_are_scoped_to_the_organisation(world):
    org = world.org(K.LOCAL_AUTHORITY, "b")
    with scope(organisation=org):
        assert {m.organisation_id for m in Membership.objects.all()} == {org.pk}


def test_scope_is_left_after_the_block(world):
    with scope(organisation=world.org(K.SCHOOL)):
        pass
    with pytest.raises(ScopeError):
        Pupil.objects.count()
