from celery import shared_task


@shared_task(name="placements.tasks.initial_assessment_reminders")
def initial_assessment_reminders() -> int:
    """Daily: remind providers of initial assessments due within two days or overdue."""
    from apcommission import clock

    from .services import initial_assessment_reminders as sweep

    return sweep(now=clock.now())
