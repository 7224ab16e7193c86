"""Command centre: Celery tasks (thin: take ids, re-read state, call a service)."""

from celery import shared_task
from django.conf import settings

from command_center.services import refresh_open_snapshot, refresh_recent, refresh_today


@shared_task(acks_late=True)
def refresh_recent_rollups() -> dict:
    """Today and yesterday, and today's hours in full (idempotent: safe to run twice, or on two workers)."""
    return refresh_recent(1)


@shared_task(acks_late=True)
def recompute_rollups() -> dict:
    """The recent days again, for late changes (a case decided, extended or corrected after the day)."""
    return refresh_recent(settings.COMMAND_CENTRE_RECOMPUTE_DAYS)


@shared_task
def refresh_today_and_open() -> dict:
    """Today's hourly rollups from the watermark (a second worker skips while one runs) and the open
    snapshot the dashboard's "now" figures read."""
    return {"today": refresh_today(), "open": refresh_open_snapshot()}
