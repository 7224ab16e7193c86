"""Command centre: Celery tasks (thin: take ids, re-read state, call a service)."""

from celery import shared_task
from django.conf import settings

from command_center.services import refresh_recent


@shared_task(acks_late=True)
def refresh_recent_rollups() -> dict:
    """Today and yesterday (idempotent: safe to run twice, or on two workers at once)."""
    return refresh_recent(1)


@shared_task(acks_late=True)
def recompute_rollups() -> dict:
    """The recent days again, for late changes (a case decided, extended or corrected after the day)."""
    return refresh_recent(settings.COMMAND_CENTRE_RECOMPUTE_DAYS)
