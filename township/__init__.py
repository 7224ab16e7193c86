"""The project package and the shared kernel (org, calendar, casework, documents, notify)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
