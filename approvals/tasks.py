"""Approvals: Celery tasks (thin: take ids, re-read state, call a service)."""
