"""The demo's visits (issue 12): Amelia Wright at Pathways has no visit this half term and her
window is on the overdue-visit ladder, owned by Hillside's pastoral lead; Jayden Clarke at Forge
Skills has a submitted visit record with actions, which the provider reads without the school's notes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from escalation.models import Escalation
from monitoring.models import ReviewMeeting, Visit, VisitPlan, VisitWindow
from tenancy.scoping import scopes_disabled
from tests.dashboards.conftest import demo, demo_db  # noqa: F401 (fixtures)


@pytest.mark.usefixtures("demo")
def test_the_demo_has_a_visit_due_and_a_submitted_visit(client):
    with scopes_disabled():
        amelia = VisitWindow.objects.filter(placement__pupil__first_name="Amelia", required__gt=0).first()
        if amelia is not None:  # the demo's clock is in term time
            assert not Visit.objects.filter(placement_id=amelia.placement_id).exists()
            assert Escalation.objects.filter(ladder="visit_overdue", target_id=amelia.pk).exists()
            assert VisitPlan.objects.get(placement_id=amelia.placement_id).owner.email.startswith("pastoral@")
        jayden = Visit.objects.select_related("placement__provider").get(placement__pupil__first_name="Jayden")
        assert jayden.submitted and jayden.actions.count() == 2
        manager = jayden.placement.provider.memberships.filter(role="provider_manager").first().user
    client.force_login(manager, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("monitoring:visit_detail", kwargs={"org": jayden.placement.provider.slug,
                                                                 "pk": jayden.pk})).content.decode()
    assert "Share the unit 2 assessment plan" in page and "Send the revised bus timetable" not in page
    assert "Settled in the workshop" not in page
    # The demo's review meeting (monitoring/review_demo.py): held, its next one due, the provider reads it.
    with scopes_disabled():
        review = ReviewMeeting.objects.get(placement=jayden.placement)
        assert review.submitted and Escalation.objects.filter(ladder="review_overdue", target_id=review.placement_id).exists()
    page = client.get(reverse("monitoring:review_detail", kwargs={"org": jayden.placement.provider.slug,
                                                                  "pk": review.pk})).content.decode()
    assert "A good half term" in page and "and on time every day" in page
