"""Sending SMS and e-mail: validate, write the outbox row once per key, deliver after commit."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from township.bulk import insert_new
from township.identifiers import normalise, validate_mobile_phone
from township.notify.backends import get_backend
from township.notify.models import Channel, InboxItem, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

SMS_MAX_LENGTH = 500
# Messages queued together go to the workers in batches of this many per broker message.
BATCH_SIZE = 200
KEY_MAX_LENGTH = 200
# A message left in "pending" or "sending" this long without a change is presumed lost by its worker.
STALE_AFTER = timedelta(minutes=10)


class IdempotencyConflict(ValueError):
    """The key was already used for a message to someone else: a bug in the caller's key scheme."""


def send_sms(*, to: str, body: str, key: str, township=None) -> OutboxMessage:
    """Queue an SMS to a mainland mobile number; the same key always returns the same message."""
    try:
        validate_mobile_phone(to or "")
    except ValidationError as exc:
        raise ValidationError({"to": exc.messages}, code="phone") from None
    recipient = normalise(to).removeprefix("+86")
    body = _clean_body(body, max_length=SMS_MAX_LENGTH)
    return _queue(channel=Channel.SMS, recipient=recipient, subject="", body=body, key=key, township=township)


def send_sms_many(messages) -> int:
    """Queue many SMS at once (a sweep's warnings): `messages` are (to, body, key, township or township id) tuples. One
    INSERT … RETURNING for all of them (keys already used are left alone, so a repeated call queues nothing
    twice, and the statement says what is new), and the new messages handed to workers after commit in batches. Numbers that are not
    valid mainland mobiles are skipped and logged. Returns how many messages were newly queued."""
    rows = []
    for to, body, key, township in messages:
        try:
            validate_mobile_phone(to or "")
        except ValidationError:
            logger.warning("notify: skipping an SMS to an invalid number (key %s)", key)
            continue
        key = (key or "").strip()[:KEY_MAX_LENGTH]
        if not key:
            raise ValidationError({"key": [_("A notification needs an idempotency key.")]}, code="key")
        rows.append(
            {
                "channel": Channel.SMS,
                "recipient": normalise(to).removeprefix("+86"),
                "body": _clean_body(body, max_length=SMS_MAX_LENGTH),
                "idempotency_key": key,
                # a township or its id: the sweep's escalation has only ids at hand
                "township_id": township if isinstance(township, int) or township is None else township.pk,
            }
        )
    # one statement per 2,000 messages, which also says which keys were new
    new_ids = insert_new(OutboxMessage, rows, conflict=["idempotency_key"])
    for start in range(0, len(new_ids), BATCH_SIZE):
        enqueue_batch(new_ids[start : start + BATCH_SIZE])
    return len(new_ids)


def enqueue_batch(message_ids: list[int]) -> None:
    """Hand a batch of messages to one worker task once the surrounding transaction has committed."""
    from township.notify.tasks import deliver_messages  # noqa: PLC0415 - cycle: the tasks module imports these services

    transaction.on_commit(lambda: deliver_messages.delay(list(message_ids)))


def send_to_platform(*, platform: str, payload: dict, key: str, township=None) -> OutboxMessage:
    """Queue a JSON message to an external platform named in settings.NOTIFY_PLATFORMS (e.g. the city
    12345 platform: a reply to one of its work orders). Same key, same message: a retried step does not
    send twice, and the platform gets the key as its Idempotency-Key."""
    if platform not in settings.NOTIFY_PLATFORMS:
        raise ValidationError(
            {"platform": [_("Unknown platform “%(name)s”.") % {"name": platform}]}, code="platform"
        )
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder)
    return _queue(
        channel=Channel.PLATFORM, recipient=platform, subject="", body=body, key=key, township=township
    )


def send_email(*, to: str, subject: str, body: str, key: str, township=None) -> OutboxMessage:
    """Queue an e-mail; the same key always returns the same message."""
    recipient = (to or "").strip()
    try:
        validate_email(recipient)
    except ValidationError:
        raise ValidationError({"to": [_("Please enter a valid e-mail address.")]}, code="email") from None
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError({"subject": [_("An e-mail needs a subject.")]}, code="subject")
    if len(subject) > 200:
        raise ValidationError({"subject": [_("The subject is longer than 200 characters.")]}, code="subject")
    body = _clean_body(body, max_length=None)
    return _queue(
        channel=Channel.EMAIL, recipient=recipient, subject=subject, body=body, key=key, township=township
    )


def _clean_body(body: str, *, max_length: int | None) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("A notification cannot be empty.")]}, code="empty_body")
    if max_length and len(body) > max_length:
        raise ValidationError(
            {"body": [_("An SMS may have at most %(n)d characters.") % {"n": max_length}]},
            code="long_body",
        )
    return body


def _queue(*, channel, recipient, subject, body, key, township) -> OutboxMessage:
    key = (key or "").strip()
    if not key:
        raise ValidationError({"key": [_("A notification needs an idempotency key.")]}, code="key")
    if len(key) > KEY_MAX_LENGTH:
        raise ValidationError(
            {"key": [_("The idempotency key is longer than %(n)d characters.") % {"n": KEY_MAX_LENGTH}]},
            code="key",
        )
    # one INSERT … ON CONFLICT DO NOTHING RETURNING (no savepoint): a key already used returns nothing,
    # and the row it names is read; two callers racing with the same key end up with the same row
    created = insert_new(
        OutboxMessage,
        [
            {
                "channel": channel,
                "recipient": recipient,
                "subject": subject,
                "body": body,
                "idempotency_key": key,
                "township_id": getattr(township, "pk", township),
            }
        ],
        conflict=["idempotency_key"],
        instances=True,
    )
    message = created[0] if created else OutboxMessage.objects.get(idempotency_key=key)
    if not created and (message.channel != channel or message.recipient != recipient):
        raise IdempotencyConflict(f"key {key!r} was already used for another {message.channel} recipient")
    if message.status == OutboxStatus.PENDING:
        enqueue_delivery(message.pk)
    return message


def enqueue_delivery(message_id: int) -> None:
    """Hand the message to a worker once the surrounding transaction has committed."""
    from township.notify.tasks import deliver_message  # noqa: PLC0415 - cycle: the tasks module imports these services

    transaction.on_commit(lambda: deliver_message.delay(message_id))


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # "sent", "skipped", "retry" or "failed"
    attempts: int = 0
    error: str = ""

    @property
    def should_retry(self) -> bool:
        return self.status == "retry"


def deliver(*, message_id: int) -> DeliveryOutcome:
    """One delivery attempt: claim the pending row, send it outside any transaction, record the result.

    The claim marks the row "sending" and commits, so no database lock is held during the provider's
    network call and a second worker given the same id skips it. The provider gets the idempotency
    key too, so even a resend after a crash between sending and recording is not a second SMS.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("township")
            .filter(pk=message_id, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:
            return DeliveryOutcome("skipped")
        message.status = OutboxStatus.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts", "updated_at"])

    try:
        provider_id = get_backend(message.channel).send(message)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the row and retried
        error = f"{exc.__class__.__name__}: {exc}"[:2000]
        logger.warning("notify: message %s attempt %s failed: %s", message.pk, message.attempts, error)
        exhausted = message.attempts >= settings.NOTIFY_MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.FAILED if exhausted else OutboxStatus.PENDING,
            last_error=error,
            updated_at=timezone.now(),
        )
        return DeliveryOutcome("failed" if exhausted else "retry", message.attempts, error)

    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENT, sent_at=now, provider_message_id=provider_id[:200], updated_at=now
    )
    return DeliveryOutcome("sent", message.attempts)


def requeue_stale_messages(*, limit: int = 500) -> list[int]:
    """Ids of pending messages nobody touched for STALE_AFTER (and "sending" ones whose worker died).

    Set-based: one locked SELECT of ids and one UPDATE that also stamps them, so a second sweep
    running at the same time skips them and one that runs soon after does not pick them again.
    """
    cutoff = timezone.now() - STALE_AFTER
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING], updated_at__lt=cutoff)
            .order_by("created_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            OutboxMessage.objects.filter(pk__in=ids).update(
                status=OutboxStatus.PENDING, updated_at=timezone.now()
            )
            for message_id in ids:
                enqueue_delivery(message_id)
    return ids


def retry_failed_messages(*, message_ids) -> int:
    """Give failed messages a fresh set of attempts (admin action); returns how many were re-queued."""
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=list(message_ids), status=OutboxStatus.FAILED)
            .values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=OutboxStatus.PENDING, attempts=0, updated_at=timezone.now()
        )
        for message_id in ids:
            enqueue_delivery(message_id)
    return len(ids)


def notify_inbox(*, user, title: str, key: str, body: str = "", url: str = "", township=None):
    """Put a message in a staff member's in-app inbox; the same key never makes a second one."""
    item, created = InboxItem.objects.get_or_create(
        key=key[:KEY_MAX_LENGTH],
        defaults={"user": user, "title": title[:200], "body": body, "url": url[:300], "township": township},
    )
    if created:
        transaction.on_commit(lambda: forget_unread_counts([item.user_id]))
    return item


UNREAD_CACHE_SECONDS = 300


def _unread_key(user_id) -> str:
    return f"notify:inbox-unread:{user_id}"


def forget_unread_counts(user_ids) -> None:
    """Drop the cached unread counts of these users (after their inbox changed)."""
    cache.delete_many([_unread_key(user_id) for user_id in set(user_ids)])


def unread_inbox_count(user) -> int:
    """How many inbox messages the user has not read, for the navigation of every page: an indexed count,
    cached (no database query on most pages) and dropped whenever the user's inbox changes."""
    return cache.get_or_set(
        _unread_key(user.pk),
        lambda: InboxItem.objects.filter(user=user, read_at__isnull=True).count(),
        UNREAD_CACHE_SECONDS,
    )


def mark_inbox_read(*, user, item_ids=None, at=None) -> int:
    """Mark the user's messages read (all unread ones, or those of `item_ids`); returns how many changed.
    Only the user's own messages are touched, whatever ids are given."""
    items = InboxItem.objects.filter(user=user, read_at__isnull=True)
    if item_ids is not None:
        items = items.filter(pk__in=list(item_ids))
    changed = items.update(read_at=at or timezone.now())
    forget_unread_counts([user.pk])
    return changed
