"""Load the demo service catalog into every township (or one). Idempotent: a second run changes nothing."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from services.demo_catalog import load_demo_catalog
from services.models import Bundle, ServiceItem
from township.org.models import Township


class Command(BaseCommand):
    help = "Load the demo service catalog (published items and bundles) into the townships."

    def add_arguments(self, parser):
        parser.add_argument("--township", metavar="CODE", help="Only this township (its division code).")

    def handle(self, *args, township=None, **options):
        townships = Township.objects.order_by("code")
        if township:
            townships = townships.filter(code=township)
            if not townships.exists():
                raise CommandError(f"No township with code {township}.")
        if not townships.exists():
            raise CommandError("No townships yet; run seed_demo first.")
        total = 0
        with transaction.atomic():
            for place in townships:
                created = load_demo_catalog(place)
                total += created
                items = ServiceItem.objects.listed().filter(township=place).count()
                bundles = Bundle.objects.filter(township=place).count()
                self.stdout.write(
                    f"{place.code} {place.name}: {created} new rows; {items} listed items, {bundles} bundles"
                )
        self.stdout.write(self.style.SUCCESS(f"demo catalog ready ({total} new rows)"))
