from celery import shared_task


@shared_task(name="escalation.tasks.sweep")
def sweep() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE "escalation-sweep"): step every ladder whose next step is
    due. State-based: safe to run late, twice, or in two workers at once. Returns targets stepped."""
    from apcommission import clock

    from .services import escalation_sweep

    return escalation_sweep(now=clock.now()).stepped
