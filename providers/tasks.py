from celery import shared_task


@shared_task(name="providers.tasks.send_expiry_reminders")
def send_expiry_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE "provider-expiry-reminders"): documents, DBS checks and
    safeguarding training expiring within 30 days or expired. Safe to run again or late."""
    from apcommission import clock

    from .services import expiry_reminders_send

    return expiry_reminders_send(now=clock.now())
