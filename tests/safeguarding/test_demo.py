"""The demo shows a placement with its emergency review open, an accident and a restricted concern;
loading it twice adds nothing."""

from __future__ import annotations

import io

from django.core.management import call_command

from escalation.models import Escalation
from safeguarding.models import EmergencyReview, Incident, SafeguardingConcern
from tenancy.scoping import scopes_disabled


def _counts():
    with scopes_disabled():
        return (Incident.objects.filter(kind="behaviour").count(), Incident.objects.filter(kind="accident").count(),
                list(EmergencyReview.objects.filter(closed_at__isnull=True)
                     .values_list("placement__pupil__first_name", "placement__state")),
                SafeguardingConcern.objects.count(),
                # the open review is on its overdue ladder (AP lead on the due date, then the headteacher)
                list(Escalation.objects.filter(ladder="emergency_review_overdue", resolved_at__isnull=True)
                     .values_list("target_id", flat=True))
                == list(EmergencyReview.objects.filter(closed_at__isnull=True).values_list("pk", flat=True)))


def test_demo_has_an_open_emergency_review_and_is_idempotent(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data", stdout=io.StringIO())
    first = _counts()
    assert first == (3, 1, [("Harvey", "emergency_review")], 1, True)
    call_command("load_demo_data", stdout=io.StringIO())
    assert _counts() == first
