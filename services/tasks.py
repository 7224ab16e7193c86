"""Services: Celery tasks (thin: take ids, re-read state, call a service)."""

from celery import shared_task

from services.services.appointments import open_appointment_slots
from services.services.terminal_tracking import send_tracking_code
from township.org.models import Township


@shared_task
def open_slots_for_every_township() -> int:
    """Daily: keep ten days of appointment slots open in every township (idempotent)."""
    return sum(open_appointment_slots(township=township) for township in Township.objects.all())


@shared_task(ignore_result=True)
def send_terminal_tracking_code(record_id: int) -> bool:
    """Send the SMS code a self-service terminal asked for (services.services.terminal_tracking)."""
    return send_tracking_code(record_id)
