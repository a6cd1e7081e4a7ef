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


@shared_task(name="monitoring.tasks.open_termly_reports")
def open_termly_reports() -> int:
    """Daily at 05:40 Europe/London (CELERY_BEAT_SCHEDULE "monitoring-termly-reports"): every placement
    in AP gets its report row for the current term of its school's calendar and, while it is still to
    write, its place on the "termly_report_due" ladder. Idempotent; safe to run late or twice."""
    from apcommission import clock

    from .reports_services import termly_reports_open

    return termly_reports_open(now=clock.now())


@shared_task(name="monitoring.tasks.ask_behaviour_updates")
def ask_behaviour_updates() -> int:
    """Mondays at 07:00 Europe/London (CELERY_BEAT_SCHEDULE "monitoring-behaviour-updates"): the provider
    of every placement in emergency review is asked for this week's behaviour update, once a week."""
    from apcommission import clock

    from .reports_services import behaviour_updates_ask

    return behaviour_updates_ask(now=clock.now())
