"""What a visit record (monitoring.models.Visit) and a review meeting (monitoring.review_models.
ReviewMeeting) have in common: the school's record about one placement at a provider, a draft until
submitted, with the date of the next review meeting and who wrote and submitted it.

`PlacementRecord` is abstract: each model keeps its own table, its placement key (its own
related name), its questions, ordering and indexes. Who sees which rows: the school its own, a
trust its schools', a provider only the submitted records of its placements (never a draft).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.scoping import ScopedModel, kind_rules


class RecordState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class PlacementRecord(ScopedModel):
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=RecordState.choices, default=RecordState.DRAFT, editable=False)
    next_review_on = models.DateField("Date of the next review meeting", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)

    class Meta:
        abstract = True

    @property
    def submitted(self) -> bool:
        return self.state == RecordState.SUBMITTED

    @classmethod
    def scope_q(cls, organisation):
        return kind_rules(organisation, school=Q(school=organisation), trust=Q(school__trust=organisation),
                          provider=Q(provider=organisation, state=RecordState.SUBMITTED))
