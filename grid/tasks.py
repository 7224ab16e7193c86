"""Grid: Celery tasks (thin: take ids, re-read state, call a service)."""

from celery import shared_task

# --- gridbase ---
from grid.care.services import schedule_due_visits
from township.org.models import Township


@shared_task
def schedule_due_care_visits() -> int:
    """Daily: a regular home visit for every household on the care list whose visit is due. Idempotent."""
    return sum(schedule_due_visits(township=township) for township in Township.objects.all())


# --- end gridbase ---
