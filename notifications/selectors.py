from .models import EmailFrequency, EmailPreference, Notification


def inbox_for(user):
    """The signed-in person's notifications in the current organisation (scoped)."""
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    """How many of the person's notifications in the current organisation are unread: one COUNT
    through the partial index `notification_unread` (no cache, so it is never stale)."""
    return inbox_for(user).filter(read_at__isnull=True).count()


def email_frequency_for(membership) -> str:
    """The member's choice of notification emails (straight away unless they chose a digest)."""
    preference = EmailPreference.objects.filter(membership=membership).values_list("frequency", flat=True).first()
    return preference or EmailFrequency.IMMEDIATE
