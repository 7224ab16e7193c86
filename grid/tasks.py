"""Grid: Celery tasks (thin: take ids, re-read state, call a service)."""

from celery import shared_task

from grid.channels.reporter import send_follow_up_questions


@shared_task
def ask_if_fixed() -> int:
    """Daily: text "is it fixed?" to reporters whose report closed GRID_FOLLOW_UP_DAYS ago (idempotent)."""
    return send_follow_up_questions()
