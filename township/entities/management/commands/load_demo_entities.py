"""Load the demo market entities into every township (or one). Idempotent: a second run changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from township.entities.demo import DEMO_COUNT, load_demo_entities
from township.entities.models import MarketEntity
from township.org.models import Township


class Command(BaseCommand):
    help = "Load demo market entities (enterprises, individual businesses, cooperatives) into the townships."

    def add_arguments(self, parser):
        parser.add_argument("--township", metavar="CODE", help="Only this township (its division code).")
        parser.add_argument("--count", type=int, default=DEMO_COUNT, help="Entities per township.")

    def handle(self, *args, township=None, count=DEMO_COUNT, **options):
        townships = Township.objects.select_related("county").order_by("code")
        if township:
            townships = townships.filter(code=township)
            if not townships.exists():
                raise CommandError(f"No township with code {township}.")
        if not townships.exists():
            raise CommandError("No townships yet; run seed_demo first.")
        total = 0
        for place in townships:
            created = load_demo_entities(place, count)
            total += created
            registered = MarketEntity.objects.filter(township=place).count()
            self.stdout.write(f"{place.code} {place.name}: {created} new; {registered} registered")
        self.stdout.write(self.style.SUCCESS(f"demo market entities ready ({total} new)"))
