"""Load the demo power list, the three enforcement squads and their officers into the demo townships.
Idempotent: a second run changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from enforcement.demo.power import load_demo_enforcement_power
from enforcement.models import PowerMatter
from township.org.models import Township


class Command(BaseCommand):
    help = "Load the demo enforcement power list (about 250 matters), squads, officers and legal reviewers."

    def add_arguments(self, parser):
        parser.add_argument("--township", metavar="CODE", help="Only this township (its division code).")
        parser.add_argument("--force", action="store_true", help="Allow demo users when DEBUG is off.")

    def handle(self, *args, township=None, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo users with DEBUG off; pass --force if you really mean it."
            )
        townships = Township.objects.order_by("code")
        if township:
            townships = townships.filter(code=township)
        if not townships.exists():
            raise CommandError("No townships yet; run seed_demo first.")
        total = 0
        for place in townships:
            created = load_demo_enforcement_power(place)
            total += created
            listed = PowerMatter.objects.listed().filter(township=place).count()
            self.stdout.write(f"{place.code} {place.name}: {created} new rows; {listed} matters on the list")
        self.stdout.write(self.style.SUCCESS(f"demo power list ready ({total} new rows)"))
