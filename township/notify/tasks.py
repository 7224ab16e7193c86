"""Celery tasks of the notifications: deliver one message with retries, and re-queue stuck ones."""

from celery import shared_task
from django.conf import settings

from township.notify import services


@shared_task(
    bind=True, name="township.notify.tasks.deliver_message", max_retries=settings.NOTIFY_MAX_ATTEMPTS
)
def deliver_message(self, message_id: int) -> str:
    outcome = services.deliver(message_id=message_id)
    if outcome.should_retry:
        # Backoff doubles with each attempt; the row's attempts, not Celery's count, decide when to stop.
        raise self.retry(
            countdown=settings.NOTIFY_RETRY_BASE_SECONDS * 2**outcome.attempts,
            max_retries=settings.NOTIFY_MAX_ATTEMPTS,
        )
    return outcome.status


@shared_task(name="township.notify.tasks.deliver_messages")
def deliver_messages(message_ids: list[int]) -> dict:
    """Deliver a batch queued together (one broker message instead of one per SMS); a message that must
    be retried goes on alone with the usual backoff."""
    outcomes: dict[str, int] = {}
    for message_id in message_ids:
        outcome = services.deliver(message_id=message_id)
        if outcome.should_retry:
            deliver_message.apply_async(
                args=[message_id], countdown=settings.NOTIFY_RETRY_BASE_SECONDS * 2**outcome.attempts
            )
        outcomes[outcome.status] = outcomes.get(outcome.status, 0) + 1
    return outcomes


# acks_late: the sweep is idempotent, so running it again after a worker crash is harmless.
@shared_task(name="township.notify.tasks.resend_pending", acks_late=True)
def resend_pending(limit: int = 500) -> int:
    return len(services.requeue_stale_messages(limit=limit))
