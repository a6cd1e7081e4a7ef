"""Create notifications (decide) and deliver them by email (send), each at most once."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse

from apcommission import clock
from tenancy.models import Membership, Organisation
from tenancy.scoping import scope, scopes_disabled

from . import conf
from .models import EmailFrequency, EmailPreference, EmailStatus, Notification

log = logging.getLogger(__name__)


def notify(
    *, organisation: Organisation, roles: Iterable[str], topic: str, subject: str, body: str,
    dedupe_key: str, now: dt.datetime, link: str = "", target=None, urgent: bool = False,
    users: Iterable[int] | None = None,
) -> list[Notification]:
    """Notify every active member of `organisation` holding one of `roles` (and, with `users`, only
    those people: a named owner such as a placement's visit owner).

    Nobody gets the same `dedupe_key` twice (a unique constraint is the backstop), so rules can
    run again — after a missed day, or twice at once — without repeating themselves.

    `target`: what the notification is about (a model instance, or a (content type or its id,
    object id) pair). `urgent`: emailed straight away even to people who chose a daily digest;
    everything else follows each person's choice (`EmailPreference`). Subjects and bodies leave the
    service by email: they say what happened, where and what to do, never a pupil's name or case
    details (the link leads to those, after signing in).

    Three queries whatever the number of people: who (with their email choice, less those already
    told), one INSERT, and reading back the rows this call created. Returns those rows.
    """
    target_type_id, target_id = _target_key(target)
    with scope(organisation=organisation):
        daily = EmailPreference.objects.filter(membership=OuterRef("pk"), frequency=EmailFrequency.DAILY)
        told = Notification.objects.filter(user=OuterRef("user_id"), dedupe_key=dedupe_key)
        members = Membership.objects.filter(role__in=list(roles), is_active=True)
        if users is not None:
            members = members.filter(user_id__in=list(users))
        members = list(members.filter(~Exists(told))
                       .annotate(daily=Exists(daily)).values_list("user_id", "daily"))
        if not members:
            return []
        digest_at = next_digest_at(now)
        Notification.objects.bulk_create([
            Notification(organisation=organisation, user_id=user_id, topic=topic, subject=subject[:200], body=body,
                         link=link, target_type_id=target_type_id, target_id=target_id, urgent=urgent,
                         dedupe_key=dedupe_key, created_at=now,
                         email_digest=digest and not urgent,
                         email_next_attempt_at=digest_at if digest and not urgent else now)
            for user_id, digest in members
        ], ignore_conflicts=True)
        rows = list(Notification.objects.filter(user_id__in=[user_id for user_id, _ in members], dedupe_key=dedupe_key,
                                                created_at=now).order_by("pk"))
    if any(not row.email_digest for row in rows):
        transaction.on_commit(_enqueue_delivery)
    return rows


def _target_key(target) -> tuple[int | None, int | None]:
    if target is None:
        return None, None
    if isinstance(target, tuple):
        content_type, object_id = target
        return (content_type.pk if isinstance(content_type, ContentType) else int(content_type)), int(object_id)
    return ContentType.objects.get_for_model(target).pk, target.pk


def next_digest_at(now: dt.datetime) -> dt.datetime:
    """The next daily-digest time (07:00 Europe/London by default) strictly after `now`."""
    at = conf.get("APC_NOTIFICATION_DIGEST_TIME")
    day = now.astimezone(clock.LONDON).date()
    candidate = clock.london(day, at)
    if candidate <= now:
        candidate = clock.london(day + dt.timedelta(days=1), at)
    return candidate.astimezone(dt.UTC)


def _enqueue_delivery():
    from .tasks import deliver_notifications

    try:
        deliver_notifications.delay()
    except Exception:  # broker down: the periodic delivery sweep picks the rows up later
        log.warning("could not enqueue notification delivery; the periodic sweep will send them", exc_info=True)


# --- Delivery ---------------------------------------------------------------------------------

def notifications_deliver(*, now: dt.datetime, limit: int = 500) -> int:
    """Email the notifications that are due (the minute beat job, and after each commit that made some).

    Due: pending with `email_next_attempt_at` come (one query through `notification_email_due`).
    Immediate notifications go one email each; digest ones, due at 07:00, one email per person and
    organisation listing them all. Each row is claimed by a conditional UPDATE first, so two workers
    never send it twice. A send that raises puts its rows back to pending with the attempt counted
    and the next attempt later (1, 5, 30 minutes...); after APC_NOTIFICATION_MAX_ATTEMPTS they are
    "failed". Claims left "sending" by a delivery that died mid-send count as failed attempts once
    stale. Returns the number of notifications sent now.
    """
    sent = 0
    with scopes_disabled():
        _release_stale_claims(now=now)
        due = (Notification.objects.filter(email_status=EmailStatus.PENDING, email_next_attempt_at__lte=now)
               .order_by("email_next_attempt_at", "pk").values_list("pk", "user_id", "organisation_id", "email_digest"))
        emails: list[list[int]] = []
        digests: dict[tuple[int, int], list[int]] = {}
        for pk, user_id, organisation_id, digest in due[:limit]:
            if digest:
                digests.setdefault((user_id, organisation_id), []).append(pk)
            else:
                emails.append([pk])
        for pks in [*emails, *digests.values()]:
            sent += _send_one_email(pks, now=now)
    return sent


def _send_one_email(pks: list[int], *, now: dt.datetime) -> int:
    """Claim the rows, send them as one email, record the outcome. Returns the rows sent."""
    won = [pk for pk in pks if Notification.objects.filter(pk=pk, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.SENDING, email_claimed_at=now, email_attempts=F("email_attempts") + 1) == 1]
    if not won:
        return 0  # another worker got there first
    notes = list(Notification.objects.filter(pk__in=won).select_related("user", "organisation")
                 .order_by("created_at", "pk"))
    subject, body = email_text(notes)
    try:
        send_mail(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body, None, [notes[0].user.email])
    except Exception as exc:  # any failure: try again later, then give up visibly
        log.warning("notifications %s: email attempt %s failed", won, notes[0].email_attempts, exc_info=True)
        for note in notes:
            _attempt_failed(pk=note.pk, attempts=note.email_attempts, error=exc, now=now)
        return 0
    Notification.objects.filter(pk__in=won, email_status=EmailStatus.SENDING).update(
        email_status=EmailStatus.SENT, emailed_at=now, email_next_attempt_at=None, email_last_error="")
    return len(notes)


def _absolute(path: str) -> str:
    return f"{settings.APC_BASE_URL.rstrip('/')}{path}"


def email_text(notes: list[Notification]) -> tuple[str, str]:
    """(subject, body) of the email for one notification, or a digest of several (same person and
    organisation). Says what happened and what to do, with absolute links; the text is the callers'
    (which carries no pupil names) plus where to read more and how to change the emails."""
    org = notes[0].organisation
    inbox = _absolute(reverse("notifications:inbox", kwargs={"org": org.slug}))
    choose = _absolute(reverse("notifications:settings", kwargs={"org": org.slug}))
    footer = (f"You get this email as a member of {org.name}. Choose how you get these emails: {choose}")
    if len(notes) == 1 and not notes[0].email_digest:
        note = notes[0]
        where = _absolute(note.link) if note.link else inbox
        return note.subject, f"{note.body}\n\nSign in to see the details: {where}\n\n{footer}\n"
    parts = []
    for i, note in enumerate(notes, start=1):
        local = note.created_at.astimezone(clock.LONDON)
        parts.append(f"{i}. {note.subject} ({local:%a} {local.day} {local:%b}, {local:%H:%M})\n{note.body}\n"
                     f"{_absolute(note.link) if note.link else inbox}")
    count = f"{len(notes)} notification{'s' if len(notes) != 1 else ''}"
    body = (f"Your daily summary from {org.name}: {count} since the last summary.\n\n" + "\n\n".join(parts)
            + f"\n\nSign in to see them all: {inbox}\n\n{footer}\n")
    return f"Daily summary: {count} from {org.name}", body


def _attempt_failed(*, pk: int, attempts: int, error: BaseException | str, now: dt.datetime) -> None:
    """Back to pending with the next attempt later, or "failed" after the last attempt."""
    message = (error if isinstance(error, str) else f"{type(error).__name__}: {error}")[:300]
    if attempts >= conf.get("APC_NOTIFICATION_MAX_ATTEMPTS"):
        changes = {"email_status": EmailStatus.FAILED, "email_next_attempt_at": None}
        log.error("notification %s: giving up after %s attempts (%s)", pk, attempts, message)
    else:
        changes = {"email_status": EmailStatus.PENDING, "email_next_attempt_at": now + conf.retry_wait(attempts)}
    Notification.objects.filter(pk=pk, email_status=EmailStatus.SENDING).update(email_last_error=message, **changes)


def _release_stale_claims(*, now: dt.datetime) -> None:
    """A delivery killed between its claim and its outcome left the row "sending": count it as a
    failed attempt (the email may or may not have gone; sending it again beats losing it)."""
    cutoff = now - dt.timedelta(seconds=conf.claim_lease_seconds())
    stale = Notification.objects.filter(email_status=EmailStatus.SENDING, email_claimed_at__lt=cutoff)
    for pk, attempts in stale.values_list("pk", "email_attempts"):
        _attempt_failed(pk=pk, attempts=max(attempts, 1), error="delivery stopped mid-send (worker lost)", now=now)


def notification_resend(*, notification_ids: Iterable[int], now: dt.datetime) -> int:
    """Operations: send failed notifications again, with a fresh set of attempts."""
    with scopes_disabled():
        return Notification.objects.filter(pk__in=list(notification_ids), email_status=EmailStatus.FAILED).update(
            email_status=EmailStatus.PENDING, email_attempts=0, email_next_attempt_at=now)


# --- The person's side ------------------------------------------------------------------------

def notification_mark_read(*, notification: Notification, now: dt.datetime) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)


@transaction.atomic
def email_preference_set(*, membership: Membership, frequency: str, now: dt.datetime) -> EmailPreference:
    """Record how the member wants notification emails (call inside the member's scope).

    Choosing "straight away" releases what was being held for the next digest: it is sent now.
    """
    if frequency not in EmailFrequency.values:
        raise ValueError(f"unknown email frequency {frequency!r}")
    preference, _ = EmailPreference.objects.update_or_create(
        membership=membership, defaults={"frequency": frequency, "updated_at": now})
    if frequency == EmailFrequency.IMMEDIATE:
        held = Notification.objects.filter(user_id=membership.user_id, email_status=EmailStatus.PENDING,
                                           email_digest=True)
        if held.update(email_digest=False, email_next_attempt_at=now):
            transaction.on_commit(_enqueue_delivery)
    return preference
