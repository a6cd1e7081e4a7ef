from django.conf import settings
from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.scoping import ScopedModel


class Notification(ScopedModel):
    """One message to one person in one organisation: shown in the app and sent by email.

    "Decide, then send": rules create rows (a person never gets the same `dedupe_key` twice);
    delivery claims each row with a conditional UPDATE, so an email goes at most once even with
    several workers or a re-run sweep.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    topic = models.CharField(max_length=60)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_once_per_person"),
        ]
        indexes = [
            models.Index(fields=["organisation", "user", "-created_at"], name="notification_inbox"),
            models.Index(fields=["created_at"], name="notification_unsent",
                         condition=Q(email_claimed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.subject

    @classmethod
    def scope_q(cls, organisation):
        return Q(organisation=organisation)
