"""Celery tasks of the case kernel; thin wrappers around the sweep."""

from celery import shared_task

from township.casework import sweep


# acks_late: the sweep is idempotent, so running it again after a worker crash is harmless.
@shared_task(name="township.casework.tasks.sweep_warning_levels", acks_late=True)
def sweep_warning_levels() -> dict:
    return sweep.sweep_warning_levels()
