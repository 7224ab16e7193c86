"""Load demo enforcement cases at every stage into every township. Idempotent."""

from django.core.management.base import BaseCommand

from enforcement.demo.cases import load_demo_cases
from township.org.models import Township


class Command(BaseCommand):
    help = "Load demo enforcement cases (a clue to a closed case, an on-the-spot decision, some overdue)."

    def handle(self, *args, **options):
        total = sum(load_demo_cases(township) for township in Township.objects.order_by("code"))
        self.stdout.write(self.style.SUCCESS(f"demo enforcement cases ready ({total} new)"))
