"""Celery tasks of the audit log: the daily retention sweep."""

from celery import shared_task

from township.audit.services import purge_expired


@shared_task(name="township.audit.tasks.purge_audit_events", acks_late=True)
def purge_audit_events() -> int:
    return purge_expired()
