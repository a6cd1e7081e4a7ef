"""Issue 12 acceptance: "The demo shows a placement with a visit overdue". The demo is loaded on a
fixed day in term (Wednesday 25 November 2026): Amelia Wright at Pathways started weeks ago and had
no visit in the half term that ended on 25 October; its window was opened by the daily job when it
was current and its overdue-visit ladder has fired; the school's dashboard lists the overdue visit
and the placement's timeline says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from apcommission import clock
from escalation.models import Escalation
from monitoring.models import Visit, VisitWindow
from notifications.models import Notification
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.dashboards.conftest import demo_db, read_dashboard  # noqa: F401 (fixture)

DEMO_NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def term_day():
    """The clock on a term day while the module's demo loads (tests.dashboards.conftest.demo_db) and after."""
    with clock.frozen(DEMO_NOW):
        yield


@pytest.fixture
def demo(term_day, demo_db, db):  # noqa: F811 (the imported fixture)
    with clock.frozen(DEMO_NOW):
        yield


def _school_member(role):
    from tenancy.models import Membership

    with scopes_disabled():
        return Membership.objects.select_related("user", "organisation").get(
            organisation__slug="hillside-academy", role=role, user__email__startswith=f"{role.replace('_', '-')}@")


@pytest.mark.usefixtures("demo")
def test_the_demo_has_a_placement_whose_visit_is_overdue_and_whose_ladder_fired():
    with scopes_disabled():
        windows = list(VisitWindow.objects.filter(placement__pupil__first_name="Amelia", required__gt=0)
                       .order_by("start"))
        assert [(w.start, w.end) for w in windows] == [(dt.date(2026, 9, 1), dt.date(2026, 10, 25)),
                                                         (dt.date(2026, 10, 31), dt.date(2026, 12, 18))]
        previous = windows[0]
        assert previous.met_at is None
        assert not Visit.objects.filter(placement_id=previous.placement_id, state="submitted").exists()
        ladder = Escalation.objects.get(ladder="visit_overdue", target_id=previous.pk)
        # 5 school days into the next half term the headteacher has been told (the engine's catch-up).
        assert ladder.level == 3 and ladder.resolved_at is None
        told = set(Notification.objects.filter(topic="visit_overdue").values_list("user__email", flat=True))
    assert any(email.startswith("headteacher@") for email in told)


@pytest.mark.usefixtures("demo")
def test_the_schools_dashboard_lists_the_overdue_visit(client):
    member = _school_member(Role.AP_LEAD)
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    dashboard = read_dashboard(client, member)
    assert any(text.startswith("Visit Amelia Wright at Pathways") for text, _ in dashboard.attention)
    assert "Half-termly visit overdue" in dashboard.html
    with scopes_disabled():
        placement = VisitWindow.objects.filter(placement__pupil__first_name="Amelia").first().placement
    page = client.get(reverse("placements:placement_detail", kwargs={"org": "hillside-academy", "pk": placement.pk}))
    assert "Visit overdue" in page.content.decode()
    assert K.SCHOOL == member.organisation.kind
