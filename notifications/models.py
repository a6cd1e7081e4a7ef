from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from tenancy.models import Membership, Organisation
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
    re-run sweep never email it twice. A pending row is emailed once `email_next_attempt_at` has come:
    at once for an immediate email, at the next 07:00 (Europe/London) for one held for the person's
    daily digest (`email_digest`; urgent notifications never are). A send that fails puts the row
    back to pending with the attempt counted and a later `email_next_attempt_at` (1, 5, 30 minutes,
    then every 2 hours); after APC_NOTIFICATION_MAX_ATTEMPTS it is "failed" (filter on it in the
    admin, which can send it again). A claim left "sending" longer than a task may run (the worker
    was killed mid-send) counts as a failed attempt too.

    The notification points at what it is about (`target`: content type + id, as escalation rows
    do) as well as the page to open (`link`).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    topic = models.CharField(max_length=60)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    urgent = models.BooleanField(default=False)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_digest = models.BooleanField(default=False, help_text="held for the person's daily digest email")
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="when delivery may next try")
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
            # Delivery's query: pending rows whose next attempt has come (digest rows wait in it
            # until 07:00 without being scanned before then).
            models.Index(fields=["email_next_attempt_at"], name="notification_email_due",
                         condition=Q(email_status="pending")),
            models.Index(fields=["email_claimed_at"], name="notification_email_sending",
                         condition=Q(email_status="sending")),
            # The header's unread count: only unread rows are in it.
            models.Index(fields=["organisation", "user"], name="notification_unread",
                         condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.subject

    @classmethod
    def scope_q(cls, organisation):
        return Q(organisation=organisation)

    @property
    def target(self):
        """The object the notification is about (None if it has none or it has gone)."""
        if self.target_type_id is None or self.target_id is None:
            return None
        model = ContentType.objects.get_for_id(self.target_type_id).model_class()
        # The default manager: inside a tenant scope a target the reader may not see stays hidden.
        return model._default_manager.filter(pk=self.target_id).first() if model else None


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", "Straight away, one email for each notification"
    DAILY = "daily", "Once a day, in a summary at 7am"


class EmailPreference(ScopedModel):
    """How one person wants notification emails in one organisation (per membership; none: straight
    away). Urgent notifications are always emailed straight away."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="email_preference")
    frequency = models.CharField(max_length=10, choices=EmailFrequency.choices, default=EmailFrequency.IMMEDIATE)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.membership}: {self.get_frequency_display()}"

    @classmethod
    def scope_q(cls, organisation):
        return Q(membership__organisation=organisation)
