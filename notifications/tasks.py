from celery import shared_task


@shared_task(name="notifications.tasks.deliver_notifications")
def deliver_notifications() -> int:
    from apcommission import clock

    from .services import notifications_deliver

    return notifications_deliver(now=clock.now())
