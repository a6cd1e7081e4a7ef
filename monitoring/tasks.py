from celery import shared_task


@shared_task(name="monitoring.tasks.open_visit_windows")
def open_visit_windows() -> int:
    """Daily at 05:30 Europe/London (CELERY_BEAT_SCHEDULE "monitoring-visit-windows"): every placement
    in AP gets its current half-term visit window and, when it needs a visit, its place on the
    "visit_overdue" ladder (the escalation sweep takes the steps). Idempotent; safe to run late or
    twice. Returns the windows offered to the ladder."""
    from apcommission import clock

    from .services import visit_windows_open

    return visit_windows_open(now=clock.now())
