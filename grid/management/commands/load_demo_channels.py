"""Load the grid event catalogue and demo reports from residents and the 12345 hotline. Idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grid.demo.channels import load_demo_channels
from grid.demo.geo import DEMO_LAYOUT
from township.org.models import Township


class Command(BaseCommand):
    help = "Seed the event catalogue and demo channel reports (both demo townships)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow seeding when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off; pass --force if you really mean it."
            )
        for township in Township.objects.filter(code__in=list(DEMO_LAYOUT)).order_by("code"):
            made = load_demo_channels(township)
            self.stdout.write(f"{township.name}: {made} demo reports and work orders")
