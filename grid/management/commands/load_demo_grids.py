"""Load the demo villages, grids, grid staff and a little base data. Idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from grid.demo.geo import DEMO_LAYOUT, load_demo_base, load_demo_geo
from township.org.models import Township


class Command(BaseCommand):
    help = "Load demo villages and grids (both demo townships), grid staff and sample base data."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow seeding when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off; pass --force if you really mean it."
            )
        for township in Township.objects.filter(code__in=list(DEMO_LAYOUT)).order_by("code"):
            with transaction.atomic():
                report = load_demo_geo(township)
                base = load_demo_base(township)
            self.stdout.write(
                f"{township.name}: {report.get('villages', 0)} villages, {report.get('created', 0)} new grids, "
                f"{report.get('updated', 0)} redrawn, {base} base-data rows"
            )
