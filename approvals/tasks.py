"""Approvals: Celery tasks (thin: take ids, re-read state, call a service)."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from approvals.services import start_review
from services.models import Application, ApplicationStatus


@shared_task(acks_late=True)
def start_review_task(application_id: int) -> str:
    """Idempotent: an application already in review is left alone."""
    application = start_review(application_id=application_id)
    return application.status if application else "missing"


@shared_task
def start_pending_reviews(limit: int = 500) -> int:
    """Safety net: accepted applications whose review did not start (a lost message) start now."""
    stale = timezone.now() - timedelta(minutes=2)
    ids = list(
        Application.objects.filter(
            status=ApplicationStatus.ACCEPTED, accepted_at__lt=stale, parent__isnull=True
        ).values_list("pk", flat=True)[:limit]
    )
    for application_id in ids:
        start_review(application_id=application_id)
    return len(ids)
