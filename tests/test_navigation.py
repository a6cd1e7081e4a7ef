"""The service navigation: each person sees the sections their role opens, and exactly one is
marked as the current page (the most specific)."""

from __future__ import annotations

from django.test import RequestFactory

from tenancy.factories import MembershipFactory, OrganisationFactory
from tenancy.navigation import navigation_for
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role


def _nav(kind, role, path_tail):
    org = OrganisationFactory(kind=kind)
    membership = MembershipFactory(organisation=org, role=role)
    request = RequestFactory().get(f"/o/{org.slug}/{path_tail}")
    items = navigation_for(request, membership)
    return [i["label"] for i in items], [i["label"] for i in items if i["current"]]


def test_provider_staff_find_registers_and_alerts_and_the_alerts_page_is_alerts_only(db):
    labels, current = _nav(K.PROVIDER, Role.PROVIDER_STAFF, "attendance/alerts/")
    assert {"Registers", "Alerts"} <= set(labels)
    assert "Attendance" not in labels  # the school's view of attendance, not the provider's
    assert current == ["Alerts"]


def test_the_attendance_officer_finds_attendance_and_alerts_and_only_one_is_current(db):
    labels, current = _nav(K.SCHOOL, Role.ATTENDANCE_OFFICER, "attendance/placements/3/")
    assert {"Attendance", "Alerts"} <= set(labels) and "Registers" not in labels
    assert current == ["Attendance"]


def test_the_dashboard_is_current_only_on_itself(db):
    assert _nav(K.SCHOOL, Role.HEADTEACHER, "")[1] == ["Dashboard"]
    assert _nav(K.SCHOOL, Role.HEADTEACHER, "unknown/")[1] == []
