from celery import shared_task

from apcommission import clock


@shared_task(name="tenancy.tasks.heartbeat")
def heartbeat() -> str:
    """Beat → worker liveness: one row updated per run (seen on /healthz and in the log)."""
    from django.db.models import F

    from .models import Heartbeat

    now = clock.now()
    updated = Heartbeat.objects.filter(name="heartbeat").update(last_seen_at=now, runs=F("runs") + 1)
    if not updated:
        Heartbeat.objects.get_or_create(name="heartbeat", defaults={"last_seen_at": now, "runs": 1})
    return f"heartbeat ok at {now.isoformat()}"
