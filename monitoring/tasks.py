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


@shared_task(name="monitoring.tasks.open_first_reviews")
def open_first_reviews() -> int:
    """Daily at 05:35 Europe/London (CELERY_BEAT_SCHEDULE "monitoring-first-reviews"): every placement
    in AP with no review meeting yet goes on the "review_overdue" ladder for its agreement's first
    review date. Idempotent; safe to run late or twice. Returns the placements offered to the ladder."""
    from apcommission import clock

    from .reviews import first_reviews_open

    return first_reviews_open(now=clock.now())
