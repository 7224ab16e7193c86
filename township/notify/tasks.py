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


# acks_late: the sweep is idempotent, so running it again after a worker crash is harmless.
@shared_task(name="township.notify.tasks.resend_pending", acks_late=True)
def resend_pending(limit: int = 500) -> int:
    return len(services.requeue_stale_messages(limit=limit))
