from django.conf import settings
from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.scoping import ScopedModel


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"


class Notification(ScopedModel):
    """One message to one person in one organisation: shown in the app and sent by email.

    "Decide, then send": rules create rows (a person never gets the same `dedupe_key` twice);
    delivery claims each row with a conditional UPDATE (pending → sending), so several workers or a
    re-run sweep never email it twice. A send that fails puts the row back to pending with the
    attempt counted and a later `email_next_attempt_at`; after APC_NOTIFICATION_MAX_ATTEMPTS it is
    "failed" (filter on it in the admin, which can send it again). A claim left "sending" longer
    than a task may run (the worker was killed mid-send) counts as a failed attempt too.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    topic = models.CharField(max_length=60)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="empty: as soon as possible")
    email_last_error = models.CharField(max_length=300, blank=True)
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
            models.Index(fields=["created_at"], name="notification_email_pending",
                         condition=Q(email_status="pending")),
            models.Index(fields=["email_claimed_at"], name="notification_email_sending",
                         condition=Q(email_status="sending")),
        ]

    def __str__(self) -> str:
        return self.subject

    @classmethod
    def scope_q(cls, organisation):
        return Q(organisation=organisation)
