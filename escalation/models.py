"""One row per (ladder, target): where a ladder stands for one late thing and when it next steps.

The sweep reads `next_step_at <= now` on unresolved rows through the partial index
`escalation_due`; a resolved row, or one past its last step, has `next_step_at` NULL and leaves
the index. The target is generic (content type + integer id, not a varchar, so it indexes and
joins plainly); the ladder's code decides what the target is and who is told.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.scoping import ScopedModel


class Escalation(ScopedModel):
    ladder = models.CharField(max_length=60)
    # No index of its own: the unique (target_type, target_id, ladder) leads with it.
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+", db_index=False)
    target_id = models.PositiveBigIntegerField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="escalations",
                                     help_text="Who owns the late thing (e.g. the school)")
    other_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", null=True, blank=True,
        help_text="The other party who sees and may resolve it (e.g. the provider)")
    anchors = models.JSONField(help_text="Named aware instants (ISO 8601) the ladder's steps count from")
    level = models.PositiveSmallIntegerField(default=0, help_text="Steps taken (0: none yet)")
    next_step_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    last_step_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolved_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target_type", "target_id", "ladder"], name="escalation_once_per_target"),
        ]
        indexes = [
            # Exactly the sweep's query: `next_step_at <= now AND resolved_at IS NULL`.
            models.Index(fields=["next_step_at"], name="escalation_due",
                         condition=Q(resolved_at__isnull=True, next_step_at__isnull=False)),
            models.Index(fields=["organisation", "resolved_at"], name="escalation_org"),
        ]

    def __str__(self) -> str:
        return f"{self.ladder} {self.target_type_id}:{self.target_id} level {self.level}"

    @classmethod
    def scope_q(cls, organisation):
        """The owner and the other party; plus, per ladder, whoever its `visible_to` names (a
        school sees a missing-register row whose register holds one of its pupils' sessions)."""
        from . import ladders

        q = Q(organisation=organisation) | Q(other_organisation=organisation)
        for ladder in ladders.registered().values():
            if ladder.visible_to is not None:
                extra = ladder.visible_to(organisation)
                if extra is not None:
                    q |= Q(ladder=ladder.name) & extra
        return q
