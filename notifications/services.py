"""Create notifications (decide) and deliver them by email (send), each at most once."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q

from tenancy.models import Membership, Organisation
from tenancy.scoping import scope, scopes_disabled

from . import conf
from .models import EmailStatus, Notification

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
    """Email the notifications that are due, each claimed by a conditional UPDATE first.

    A send that raises puts the row back to pending with the attempt counted and the next attempt
    later (doubling waits); after APC_NOTIFICATION_MAX_ATTEMPTS it is "failed". Claims left
    "sending" by a delivery that died mid-send count as failed attempts once stale. Returns the
    number sent now.
    """
    sent = 0
    with scopes_disabled():
        _release_stale_claims(now=now)
        due = (Notification.objects.filter(email_status=EmailStatus.PENDING)
               .filter(Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now)))
        for pk in list(due.order_by("created_at", "pk").values_list("pk", flat=True)[:limit]):
            claimed = Notification.objects.filter(pk=pk, email_status=EmailStatus.PENDING).update(
                email_status=EmailStatus.SENDING, email_claimed_at=now, email_attempts=F("email_attempts") + 1)
            if claimed != 1:
                continue  # another worker got there first
            note = Notification.objects.select_related("user").get(pk=pk)
            body = note.body + (f"\n\n{settings.APC_BASE_URL.rstrip('/')}{note.link}" if note.link else "")
            try:
                send_mail(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{note.subject}", body, None, [note.user.email])
            except Exception as exc:  # any failure: try again later, then give up visibly
                log.warning("notification %s: email attempt %s failed", pk, note.email_attempts, exc_info=True)
                _attempt_failed(pk=pk, attempts=note.email_attempts, error=exc, now=now)
                continue
            Notification.objects.filter(pk=pk, email_status=EmailStatus.SENDING).update(
                email_status=EmailStatus.SENT, emailed_at=now, email_next_attempt_at=None, email_last_error="")
            sent += 1
    return sent


def _attempt_failed(*, pk: int, attempts: int, error: BaseException | str, now: dt.datetime) -> None:
    """Back to pending with the next attempt later, or "failed" after the last attempt."""
    message = (error if isinstance(error, str) else f"{type(error).__name__}: {error}")[:300]
    if attempts >= conf.get("APC_NOTIFICATION_MAX_ATTEMPTS"):
        changes = {"email_status": EmailStatus.FAILED, "email_next_attempt_at": None}
        log.error("notification %s: giving up after %s attempts (%s)", pk, attempts, message)
    else:
        wait = min(conf.get("APC_NOTIFICATION_RETRY_SECONDS") * 2 ** (attempts - 1),
                   conf.get("APC_NOTIFICATION_RETRY_MAX_SECONDS"))
        changes = {"email_status": EmailStatus.PENDING, "email_next_attempt_at": now + dt.timedelta(seconds=wait)}
    Notification.objects.filter(pk=pk, email_status=EmailStatus.SENDING).update(email_last_error=message, **changes)


def _release_stale_claims(*, now: dt.datetime) -> None:
    """A delivery killed between its claim and its outcome left the row "sending": count it as a
    failed attempt (the email may or may not have gone; sending it again beats losing it)."""
    cutoff = now - dt.timedelta(seconds=conf.claim_lease_seconds())
    stale = Notification.objects.filter(email_status=EmailStatus.SENDING, email_claimed_at__lt=cutoff)
    for pk, attempts in stale.values_list("pk", "email_attempts"):
        _attempt_failed(pk=pk, attempts=max(attempts, 1), error="delivery stopped mid-send (worker lost)", now=now)


def notification_resend(*, notification_ids: Iterable[int]) -> int:
    """Operations: send failed notifications again, with a fresh set of attempts."""
    with scopes_disabled():
        return Notification.objects.filter(pk__in=list(notification_ids), email_status=EmailStatus.FAILED).update(
            email_status=EmailStatus.PENDING, email_attempts=0, email_next_attempt_at=None)


def notification_mark_read(*, notification: Notification, now: dt.datetime) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
