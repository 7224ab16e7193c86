"""Grid: Celery tasks (thin: take ids, re-read state, call a service)."""

from celery import shared_task

from grid.care.services import schedule_due_visits
from grid.channels.reporter import send_follow_up_questions
from township.org.models import Township


@shared_task
def ask_if_fixed() -> int:
    """Daily: text "is it fixed?" to reporters whose report closed GRID_FOLLOW_UP_DAYS ago (idempotent)."""
    return send_follow_up_questions()


@shared_task
def schedule_due_care_visits() -> int:
    """Daily: a regular home visit for every household on the care list whose visit is due. Idempotent."""
    return sum(schedule_due_visits(township=township) for township in Township.objects.all())
