"""Load demo applications into the demo townships that have a clerk and a resident. Idempotent."""

from django.core.management.base import BaseCommand

from services.demo_applications import load_demo_applications
from services.demo_points import load_demo_points
from services.services.appointments import open_appointment_slots
from township.org.models import Township


class Command(BaseCommand):
    help = (
        "Load demo applications (an accepted walk-in, a draft, two online submissions awaiting pre-review) "
        "and the window network (village points, a village clerk and a terminal per township)."
    )

    def handle(self, *args, **options):
        townships = Township.objects.order_by("code")
        total = sum(load_demo_applications(township) for township in townships)
        # the window network after the hall's own demo applications (those come first, once)
        total += sum(load_demo_points(township) for township in townships)
        slots = sum(open_appointment_slots(township=township) for township in townships)
        self.stdout.write(
            self.style.SUCCESS(f"demo applications ready ({total} new); {slots} appointment slots opened")
        )
