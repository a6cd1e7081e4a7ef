"""Incident and emergency review pages: the provider records through the form (errors in the summary),
the school reads (staff who follow behaviour), the placement page links them, the school closes the
review with targets and an outcome and the placement resumes."""

from __future__ import annotations

from django.urls import reverse

from apcommission import clock
from placements.models import Placement
from safeguarding.models import EmergencyReview, Incident
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R
from tenancy.scoping import scopes_disabled

from .conftest import NOW, record

FORM = {"date_0": "25", "date_1": "11", "date_2": "2026", "time": "11:05", "location": "Workshop",
        "description": "Kicked the door Sentinel-4471", "action_taken": "Time out", "parent_informed": "yes",
        "parent_date_0": "25", "parent_date_1": "11", "parent_date_2": "2026", "parent_time": "12:30"}


def test_provider_records_an_incident_and_the_school_reads_it(placed, login, django_capture_on_commit_callbacks):
    pk = placed.placements["a"].pk
    client = login(placed.user(K.PROVIDER, R.PROVIDER_STAFF))
    url = reverse("safeguarding:incident_create", kwargs={"org": "provider-a", "pk": pk}) + "?kind=behaviour"
    response = client.post(url, {**FORM, "parent_time": ""})
    assert response.status_code == 400
    assert "Enter the time the parent or carer was informed" in response.content.decode()
    with clock.frozen(NOW), django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, FORM).status_code == 302
    with scopes_disabled():
        incident = Incident.objects.get()
    assert incident.parent_informed_at == clock.london(NOW.date(), __import__("datetime").time(12, 30))
    detail = reverse("safeguarding:incident_detail", kwargs={"org": "school-a", "pk": incident.pk})
    assert "Sentinel-4471" in login(placed.user(K.SCHOOL, R.AP_LEAD)).get(detail).content.decode()
    text = login(placed.user(K.SCHOOL, R.ATTENDANCE_OFFICER)).get(detail).content.decode()
    assert "Sentinel-4471" not in text and "read by the staff who follow" in text
    page = login(placed.user(K.SCHOOL, R.AP_LEAD)).get(
        reverse("placements:placement_detail", kwargs={"org": "school-a", "pk": pk})).content.decode()
    assert reverse("safeguarding:incident_list", kwargs={"org": "school-a", "pk": pk}) in page


def test_school_closes_the_emergency_review_and_the_placement_resumes(placed, login):
    for n in range(3):
        record(placed, n=n)
    with scopes_disabled():
        review = EmergencyReview.objects.get()
    detail = reverse("safeguarding:review_detail", kwargs={"org": "school-a", "pk": review.pk})
    lead = login(placed.user(K.SCHOOL, R.AP_LEAD))
    dashboard = lead.get(reverse("dashboard", kwargs={"org": "school-a"})).content.decode()
    assert "Emergency review open for" in dashboard and detail in dashboard
    assert "Emergency review open" in lead.get(
        reverse("placements:placement_detail", kwargs={"org": "school-a", "pk": review.placement_id})).content.decode()
    close = reverse("safeguarding:review_close", kwargs={"org": "school-a", "pk": review.pk})
    assert lead.post(close, {"targets": "", "outcome": "continue"}).status_code == 400
    assert lead.post(close, {"targets": "Attend every session", "outcome": "continue"}).status_code == 302
    with scopes_disabled():
        review.refresh_from_db()
        assert Placement.objects.get(pk=review.placement_id).state == "active"
    assert not review.is_open and review.targets == "Attend every session"
    assert "Emergency review open for" not in lead.get(reverse("dashboard", kwargs={"org": "school-a"})).content.decode()
    provider = login(placed.user(K.PROVIDER, R.PROVIDER_MANAGER))
    assert provider.get(close.replace("school-a", "provider-a")).status_code == 403


def test_incident_list_and_concern_list_cost_the_same_with_more_rows(placed, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safeguarding.models import SafeguardingConcern

    pk = placed.placements["a"].pk
    lead = login(placed.user(K.SCHOOL, R.DSL))
    urls = [reverse("safeguarding:incident_list", kwargs={"org": "school-a", "pk": pk}),
            reverse("safeguarding:concern_list", kwargs={"org": "school-a"})]

    def add(n):
        with scopes_disabled():
            for k in range(n):
                record(placed, kind="accident", n=k)
                SafeguardingConcern.objects.create(placement_id=pk, occurred_at=NOW, what="w", people="p",
                                                   immediate_action="a", raised_at=NOW,
                                                   raised_by_organisation=placed.org(K.SCHOOL, "a"))

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert lead.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    add(1)
    few = counts()
    add(9)
    assert counts() == few
