"""Load the demo inspection registers, plans (one past joint plan drawn, inspected and published) and
credit records into the demo townships. Idempotent: a second run changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from enforcement.demo.inspections import demo_counts, load_demo_inspections
from township.org.models import Township


class Command(BaseCommand):
    help = "Load demo inspectors, inspection matters, a past joint draw with results, and credit records."

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
            created = load_demo_inspections(place)
            total += created
            counts = demo_counts(place)
            self.stdout.write(
                f"{place.code} {place.name}: {created} new rows; {counts['inspectors']} inspectors, "
                f"{counts['matters']} matters, {counts['tasks']} tasks, {counts['credit']} credit records"
            )
        self.stdout.write(self.style.SUCCESS(f"demo inspections ready ({total} new rows)"))
