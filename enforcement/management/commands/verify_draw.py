"""Verify random-inspection draws from their stored records: the snapshot against its hash, the result
re-computed from snapshot and seed, the record's seal, and the tasks against the result."""

from django.core.management.base import BaseCommand, CommandError

from enforcement.inspections.services import verify_draw
from enforcement.models import Draw


class Command(BaseCommand):
    help = "Verify draws (by id, or every draw with --all); exits with an error if any fails."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Draw ids.")
        parser.add_argument("--all", action="store_true", help="Every draw.")

    def handle(self, *args, ids=(), all=False, **options):  # noqa: A002 - the option's name
        draws = Draw.objects.select_related("plan", "replaces").order_by("pk")
        if not all:
            if not ids:
                raise CommandError("Give draw ids, or --all.")
            draws = draws.filter(pk__in=ids)
            missing = set(ids) - set(draws.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No draw with id {', '.join(map(str, sorted(missing)))}.")
        failed = 0
        for draw in draws:
            problems = verify_draw(draw)
            if problems:
                failed += 1
                self.stdout.write(self.style.ERROR(f"draw {draw.pk} ({draw}): FAILED"))
                for problem in problems:
                    self.stdout.write(f"  - {problem}")
            else:
                self.stdout.write(
                    f"draw {draw.pk} ({draw}): OK  seed={draw.seed} snapshot={draw.snapshot_hash} "
                    f"entities={len(draw.result['entities'])}"
                )
        if failed:
            raise CommandError(f"{failed} draw(s) failed verification.")
