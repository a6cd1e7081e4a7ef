"""Framework services (issue 13 item 1): copy a shipped framework, change a draft, publish it; a
change to a published version goes to the next draft and the published one never changes; a QA
visit keeps its own version's wording; shipped frameworks and other organisations' never change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apcommission.errors import Refusal
from qa_framework import services
from qa_framework.models import FrameworkVersion, Standard, Theme, VisitState
from qa_framework.services import (
    AddStandard,
    AddTheme,
    RemoveStandard,
    RemoveTheme,
    RewordStandard,
    RewordTheme,
)
from tenancy.models import AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

from .helpers import NOW, own_framework, shipped, visit


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


pytestmark = pytest.mark.django_db


def content(version):
    with scopes_disabled():
        return [(t.number, t.title, [(s.code, s.text) for s in Standard.objects.filter(theme=t).order_by("position")])
                for t in Theme.objects.filter(version=version).order_by("number")]


def edit(world, version, *changes, side="a", kind=K.LOCAL_AUTHORITY):
    org = world.org(kind, side)
    with scope(organisation=org):
        return services.framework_edit(version=version, changes=list(changes), by=world.user(kind, Role.QA_OFFICER
                                       if kind == K.LOCAL_AUTHORITY else Role.AP_LEAD, side),
                                       organisation=org, now=NOW)


def test_copy_makes_an_own_draft_version_1_with_the_same_content(world):
    draft = own_framework(world, publish=False)
    assert (draft.number, draft.state, draft.framework.owner_id) == (1, "draft", world.org(K.LOCAL_AUTHORITY).pk)
    assert draft.framework.copied_from_id == shipped().pk
    assert draft.scale == shipped().scale
    assert content(draft) == content(shipped())
    with scopes_disabled():
        assert AuditEvent.objects.filter(organisation=world.org(K.LOCAL_AUTHORITY), action="create",
                                         detail__startswith="Framework copied").count() == 1


def test_a_draft_changes_in_place_themes_and_standards_added_reworded_removed(world):
    draft = own_framework(world, publish=False)
    same = edit(world, draft, AddTheme("Leadership"), AddStandard(theme=6, code="6a", text="Leaders know the setting"),
                RewordTheme(2, "Health, safety and premises"), RewordStandard("2g", "Fire drills every term",
                                                                              new_code="2g"),
                RemoveStandard("1g"), RemoveTheme(5))
    assert same.pk == draft.pk
    themes = content(draft)
    assert [t[1] for t in themes] == ["Safeguarding and the wellbeing of children", "Health, safety and premises",
                                      "Admissions, guidance and support", "The quality of education", "Leadership"]
    assert [code for code, _ in themes[0][2]] == ["1a", "1b", "1c", "1d", "1e", "1f", "1h", "1i"]
    assert ("2g", "Fire drills every term") in themes[1][2]
    assert themes[4] == (5, "Leadership", [("6a", "Leaders know the setting")])


def test_editing_a_published_version_makes_the_next_draft_and_the_published_one_never_changes(world):
    v1 = own_framework(world)
    before = content(v1)
    v2 = edit(world, v1, RewordStandard("1a", "Every adult has an enhanced DBS check"))
    assert (v2.number, v2.state) == (2, "draft") and v2.framework_id == v1.framework_id
    assert content(v1) == before
    assert dict(content(v2)[0][2])["1a"] == "Every adult has an enhanced DBS check"
    # A second change goes to the same open draft, not a third version.
    assert edit(world, v1, RemoveStandard("5d")).pk == v2.pk
    la = world.org(K.LOCAL_AUTHORITY)
    with scope(organisation=la):
        services.framework_publish(version=v2, by=world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER), organisation=la,
                                   now=NOW)
        v3 = edit(world, v1, AddTheme("Leadership"))
    assert v3.number == 3
    with scopes_disabled():
        assert list(FrameworkVersion.objects.filter(framework=v1.framework).order_by("number")
                    .values_list("number", "state")) == [(1, "published"), (2, "published"), (3, "draft")]


def test_a_completed_visit_keeps_its_version_after_the_framework_is_edited_and_republished(world, client):
    v1 = own_framework(world)
    done = visit(world, version=v1, state=VisitState.COMPLETED)
    wording = dict(content(v1)[0][2])["1a"]
    v2 = edit(world, v1, RewordStandard("1a", "Reworded after the visit"))
    la = world.org(K.LOCAL_AUTHORITY)
    with scope(organisation=la):
        services.framework_publish(version=v2, by=world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER), organisation=la,
                                   now=NOW)
    done.refresh_from_db()
    assert done.version_id == v1.pk
    client.force_login(world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER))
    page = client.get(f"/o/{la.slug}/qa/framework-versions/{done.version_id}/").content.decode()
    assert wording.split(",")[0] in page and "Reworded after the visit" not in page
    assert "Version 1" in page and "Published" in page


def test_shipped_and_other_organisations_frameworks_never_change(world):
    la_a, la_b = world.org(K.LOCAL_AUTHORITY, "a"), world.org(K.LOCAL_AUTHORITY, "b")
    with scope(organisation=la_a), pytest.raises(Refusal, match="shipped"):
        services.framework_edit(version=shipped(), changes=[AddTheme("Mine")], by=None, organisation=la_a, now=NOW)
    theirs = own_framework(world, "b", publish=False)
    with scope(organisation=la_a), pytest.raises(Refusal, match="owns"):
        services.framework_publish(version=theirs, by=None, organisation=la_a, now=NOW)
    assert content(shipped())[0][2][0][0] == "1a"
    with scope(organisation=la_b):
        assert FrameworkVersion.objects.filter(pk=theirs.pk).get().state == "draft"


def test_publish_refuses_an_empty_theme_and_a_second_publish(world):
    draft = own_framework(world, publish=False)
    edit(world, draft, AddTheme("Leadership"))
    la = world.org(K.LOCAL_AUTHORITY)
    with scope(organisation=la):
        with pytest.raises(Refusal, match="theme 6"):
            services.framework_publish(version=draft, by=None, organisation=la, now=NOW)
        edit(world, draft, RemoveTheme(6))
        services.framework_publish(version=draft, by=None, organisation=la, now=NOW)
        with pytest.raises(Refusal, match="already published"):
            services.framework_publish(version=draft, by=None, organisation=la, now=NOW)


def test_changes_are_all_or_nothing_and_codes_stay_unique(world):
    draft = own_framework(world, publish=False)
    before = content(draft)
    with pytest.raises(ValidationError):
        edit(world, draft, AddTheme("Leadership"), AddStandard(theme=1, code="2a", text="Duplicate code"))
    assert content(draft) == before
    with pytest.raises(Refusal, match="Theme 9"):
        edit(world, draft, RewordTheme(9, "No such theme"))


def test_a_school_copies_the_termly_framework_for_its_own_qa(world):
    from qa_framework.models import FrameworkPurpose

    school = world.org(K.SCHOOL)
    with scope(organisation=school):
        draft = services.framework_copy(version=shipped(FrameworkPurpose.SCHOOL_TERMLY_QA), title="Our termly QA",
                                        by=world.user(K.SCHOOL, Role.AP_LEAD), organisation=school, now=NOW)
    assert draft.framework.purpose == FrameworkPurpose.SCHOOL_TERMLY_QA and len(content(draft)) == 8
    with scope(organisation=world.org(K.LOCAL_AUTHORITY)):
        assert not FrameworkVersion.objects.filter(pk=draft.pk).exists()
