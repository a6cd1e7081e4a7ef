from celery import shared_task


@shared_task(name="attendance.tasks.generate_sessions")
def generate_sessions() -> int:
    """Daily at 05:00 Europe/London (CELERY_BEAT_SCHEDULE "attendance-generate-sessions"): every
    placement's expected sessions up to APC_SESSION_HORIZON_DAYS ahead, and any left over from a
    change whose refresh failed brought up to date. Idempotent; safe to run late or twice. Returns
    the number of sessions created."""
    from apcommission import clock

    from .sessions import generate_ahead

    return generate_ahead(now=clock.now())
