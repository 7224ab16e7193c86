"""Services: Celery tasks (thin: take ids, re-read state, call a service)."""

from celery import shared_task

from services.services.appointments import open_appointment_slots
from township.org.models import Township


@shared_task
def open_slots_for_every_township() -> int:
    """Daily: keep ten days of appointment slots open in every township (idempotent)."""
    return sum(open_appointment_slots(township=township) for township in Township.objects.all())
