from celery import shared_task


@shared_task(name="placements.tasks.initial_assessment_reminders")
def initial_assessment_reminders() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE "placements-initial-assessment-reminders"): remind providers of
    initial assessments due soon or overdue. Reads only due rows; safe to run twice at once or late."""
    from apcommission import clock

    from .services import initial_assessment_reminders as sweep

    return sweep(now=clock.now())
