"""Framework pages through the test client: the list (shipped + own, never another LA's), copy,
change a draft with GOV.UK error summaries, publish, and what each kind may open."""

from __future__ import annotations

import pytest

from qa_framework.models import Framework, FrameworkVersion, Standard
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

from .helpers import own_framework, shipped


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


pytestmark = pytest.mark.django_db


def as_officer(client, world, side="a"):
    client.force_login(world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER, side))
    return f"/o/{world.org(K.LOCAL_AUTHORITY, side).slug}/qa"


def test_the_list_shows_shipped_and_own_frameworks_not_another_las(world, client):
    own_framework(world, "a")
    theirs = own_framework(world, "b")
    base = as_officer(client, world)
    page = client.get(f"{base}/frameworks/").content.decode()
    assert "Quality assurance framework for unregulated alternative providers" in page
    assert "Termly quality assurance of an alternative provider" in page
    assert "LA A framework" in page and theirs.framework.title not in page
    assert client.get(f"{base}/framework-versions/{theirs.pk}/").status_code == 404


def test_copy_then_change_a_standard_then_publish(world, client):
    base = as_officer(client, world)
    response = client.post(f"{base}/framework-versions/{shipped().pk}/copy/", {"title": ""})
    assert response.status_code == 400 and "Enter a name for your framework" in response.content.decode()
    response = client.post(f"{base}/framework-versions/{shipped().pk}/copy/", {"title": "Our QA framework"})
    assert response.status_code == 302
    with scopes_disabled():
        draft = FrameworkVersion.objects.get(framework__title="Our QA framework")
    page = client.get(response["Location"]).content.decode()
    assert "Draft" in page and "Publish version 1" in page and "Add a theme" in page

    url = f"{base}/framework-versions/{draft.pk}/standards/2g/"
    response = client.post(url, {"code": "2g", "text": ""})
    body = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in body and "Enter the standard&#x27;s wording" in body
    response = client.post(url, {"code": "2g", "text": "Fire drills take place every term, and a record is kept."})
    assert response.status_code == 302
    with scopes_disabled():
        assert Standard.objects.get(theme__version=draft, code="2g").text.startswith("Fire drills take place every term")

    response = client.post(f"{base}/framework-versions/{draft.pk}/themes/new/", {"title": ""})
    assert response.status_code == 400 and "Enter the theme&#x27;s title" in response.content.decode()

    assert client.post(f"{base}/framework-versions/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.state == "published"
    page = client.get(f"{base}/framework-versions/{draft.pk}/").content.decode()
    assert "Make changes" in page and "Publish version" not in page and "Add a theme" not in page


def test_make_changes_on_a_published_version_starts_the_next_draft(world, client):
    v1 = own_framework(world)
    base = as_officer(client, world)
    response = client.post(f"{base}/framework-versions/{v1.pk}/new-version/")
    assert response.status_code == 302
    with scopes_disabled():
        v2 = FrameworkVersion.objects.get(framework=v1.framework, number=2)
    assert response["Location"].endswith(f"/framework-versions/{v2.pk}/")
    page = client.get(f"{base}/framework-versions/{v1.pk}/").content.decode()
    assert "Continue the draft (version 2)" in page


def test_change_pages_exist_only_for_own_frameworks(world, client):
    base = as_officer(client, world)
    assert client.get(f"{base}/framework-versions/{shipped().pk}/").status_code == 200
    assert client.get(f"{base}/framework-versions/{shipped().pk}/themes/new/").status_code == 404
    assert client.post(f"{base}/framework-versions/{shipped().pk}/publish/").status_code == 404
    with scopes_disabled():
        assert Framework.objects.filter(owner__isnull=True).count() == 2


def test_a_provider_never_reads_an_las_draft(world, client):
    draft = own_framework(world, publish=False)
    client.force_login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    slug = world.org(K.PROVIDER).slug
    assert client.get(f"/o/{slug}/qa/framework-versions/{draft.pk}/").status_code == 403
    assert client.get(f"/o/{slug}/qa/frameworks/").status_code == 403
    from tenancy.scoping import scope

    with scope(organisation=world.org(K.PROVIDER)):
        assert not FrameworkVersion.objects.filter(pk=draft.pk).exists()


def test_a_school_ap_lead_keeps_frameworks_and_an_ap_officer_does_not(world, client):
    client.force_login(world.user(K.SCHOOL, Role.AP_LEAD))
    assert client.get(f"/o/{world.org(K.SCHOOL).slug}/qa/frameworks/").status_code == 200
    client.force_login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    assert client.get(f"/o/{world.org(K.LOCAL_AUTHORITY).slug}/qa/frameworks/").status_code == 403


def test_the_list_costs_the_same_with_more_frameworks(world, client, django_assert_max_num_queries):
    base = as_officer(client, world)
    own_framework(world)
    with django_assert_max_num_queries(40) as few:
        client.get(f"{base}/frameworks/")
    for _ in range(5):
        own_framework(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"{base}/frameworks/").status_code == 200


def test_a_completed_visit_still_shows_its_own_wording_after_edit_and_publish(world, client):
    """Acceptance (issue 13): editing a published framework makes a new version; a completed visit
    still shows its own version's wording on its report."""
    from qa_framework import services
    from qa_framework.factories import qa_visit_in_state
    from qa_framework.models import VisitState
    from tenancy.scoping import scope

    from .helpers import NOW

    la = world.org(K.LOCAL_AUTHORITY)
    officer = world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER)
    v1 = own_framework(world)
    done = qa_visit_in_state(local_authority=la, provider=world.org(K.PROVIDER), state=VisitState.COMPLETED,
                             by=officer, now=NOW, version=v1)
    with scope(organisation=la):
        v2 = services.framework_edit(version=v1, changes=[services.RewordStandard("1e", "Visitors sign in at reception")],
                                     by=officer, organisation=la, now=NOW)
        services.framework_publish(version=v2, by=officer, organisation=la, now=NOW)
    done.refresh_from_db()
    assert done.version_id == v1.pk
    base = as_officer(client, world)
    report = client.get(f"{base}/visits/{done.pk}/report/").content.decode()
    assert "Access to the site is restricted to registered learners" in report
    assert "Visitors sign in at reception" not in report
