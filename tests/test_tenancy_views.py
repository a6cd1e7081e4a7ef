from tenancy.models import Membership
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope


def test_home_sends_anonymous_to_sign_in(db, client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_home_sends_a_single_membership_to_its_dashboard(world, login):
    response = login(world.user(K.PROVIDER, Role.PROVIDER_STAFF)).get("/")
    assert response["Location"] == "/o/provider-a/"


def test_home_remembers_the_last_organisation(world, login):
    user = world.user(K.SCHOOL, Role.SENCO)
    from tenancy.factories import MembershipFactory

    MembershipFactory(user=user, organisation=world.org(K.SCHOOL, "b"), role=Role.SENCO)
    client = login(user)
    assert client.get("/")["Location"] == "/organisations/"
    client.get("/o/school-b/")
    assert client.get("/")["Location"] == "/o/school-b/"


def test_switcher_lists_only_own_memberships(world, login):
    html = login(world.user(K.TRUST, Role.TRUST_EXECUTIVE)).get("/organisations/").content.decode()
    assert "Trust A" in html and "School A" not in html and "Trust B" not in html


def test_navigation_follows_the_role(world, login):
    admin = login(world.user(K.SCHOOL, Role.ORG_ADMIN)).get("/o/school-a/").content.decode()
    assert "People" in admin and "Audit log" in admin and ">Pupils<" not in admin.replace("\n", "").replace(" ", "")
    ap_lead = login(world.user(K.SCHOOL, Role.AP_LEAD)).get("/o/school-a/").content.decode()
    assert "Pupils" in ap_lead and "Audit log" not in ap_lead


def test_dashboards_have_real_empty_states(world, login):
    for kind, role, text in [
        (K.SCHOOL, Role.AP_LEAD, "Pupils on roll"),
        (K.PROVIDER, Role.PROVIDER_MANAGER, "Referrals awaiting your answer"),
        (K.LOCAL_AUTHORITY, Role.AP_OFFICER, "Providers in the directory"),
        (K.TRUST, Role.TRUST_EXECUTIVE, "Pupils on roll by school"),
    ]:
        html = login(world.user(kind, role)).get(f"/o/{world.org(kind).slug}/").content.decode()
        assert text in html, (kind, role)
        assert "lorem" not in html.lower()


def test_removed_member_loses_access(world, login):
    admin = world.user(K.SCHOOL, Role.ORG_ADMIN)
    pastoral = world.member(K.SCHOOL, Role.PASTORAL)
    client = login(admin)
    response = client.post(f"/o/school-a/people/{pastoral.pk}/remove/")
    assert response.status_code == 302
    with scope(organisation=world.org(K.SCHOOL)):
        assert not Membership.objects.get(pk=pastoral.pk).is_active
    assert login(pastoral.user).get("/o/school-a/").status_code == 404


def test_admin_cannot_remove_themselves(world, login):
    admin = world.member(K.SCHOOL, Role.ORG_ADMIN)
    client = login(admin.user)
    response = client.post(f"/o/school-a/people/{admin.pk}/remove/")
    assert response.status_code == 400  # the refusal is the page's error summary, not a banner elsewhere
    assert "You cannot remove yourself." in response.content.decode()
    assert client.get("/o/school-a/people/").status_code == 200


def test_error_pages_use_the_service_layout(world, login):
    client = login(world.user(K.SCHOOL, Role.FINANCE))
    forbidden = client.get("/o/school-a/pupils/")
    assert forbidden.status_code == 403
    assert "You do not have permission" in forbidden.content.decode()
    missing = client.get("/o/school-b/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
