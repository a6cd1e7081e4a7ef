"""Create notifications (decide) and deliver them by email (send), each at most once."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from tenancy.models import Membership, Organisation
from tenancy.scoping import scope, scopes_disabled

from .models import Notification

log = logging.getLogger(__name__)


def notify(
    *, organisation: Organisation, roles: Iterable[str], topic: str, subject: str, body: str,
    dedupe_key: str, now: dt.datetime, link: str = "",
) -> list[Notification]:
    """Notify every active member of `organisation` holding one of `roles`.

    Nobody gets the same `dedupe_key` twice (a unique constraint is the backstop), so rules can
    run again — after a missed day, or twice at once — without repeating themselves.
    Returns the notifications created now.
    """
    with scope(organisation=organisation):
        members = list(Membership.objects.filter(role__in=list(roles), is_active=True).values_list("user_id", flat=True))
        if not members:
            return []
        rows = []
        for user_id in members:
            note, created = Notification.objects.get_or_create(
                user_id=user_id, dedupe_key=dedupe_key,
                defaults={"organisation": organisation, "topic": topic, "subject": subject[:200],
                          "body": body, "link": link, "created_at": now},
            )
            if created:
                rows.append(note)
    if rows:
        transaction.on_commit(_enqueue_delivery)
    return rows


def _enqueue_delivery():
    from .tasks import deliver_notifications

    try:
        deliver_notifications.delay()
    except Exception:  # broker down: the periodic delivery sweep picks the rows up later
        log.warning("could not enqueue notification delivery; the periodic sweep will send them", exc_info=True)


def notifications_deliver(*, now: dt.datetime, limit: int = 500) -> int:
    """Email notifications not yet claimed. Each row is claimed by a conditional UPDATE first."""
    sent = 0
    with scopes_disabled():
        pending = list(
            Notification.objects.filter(email_claimed_at__isnull=True)
            .order_by("created_at").values_list("pk", flat=True)[:limit]
        )
        for pk in pending:
            claimed = Notification.objects.filter(pk=pk, email_claimed_at__isnull=True).update(email_claimed_at=now)
            if claimed != 1:
                continue  # another worker got there first
            note = Notification.objects.select_related("user").get(pk=pk)
            body = note.body + (f"\n\n{settings.APC_BASE_URL.rstrip('/')}{note.link}" if note.link else "")
            send_mail(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{note.subject}", body, None, [note.user.email])
            Notification.objects.filter(pk=pk).update(emailed_at=now)
            sent += 1
    return sent


def notification_mark_read(*, notification: Notification, now: dt.datetime) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
