"""Remove stored PDFs that no IssuedDocument refers to (left when an enclosing transaction rolled back)."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from township.documents.models import IssuedDocument


def _walk(storage, folder):
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}")


class Command(BaseCommand):
    help = "Delete files under documents/ that no issued document refers to and that are older than an hour."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list the files.")
        parser.add_argument("--min-age-minutes", type=int, default=60)

    def handle(self, *args, dry_run=False, min_age_minutes=60, **options):
        if not default_storage.exists("documents"):
            return
        cutoff = timezone.now() - timedelta(minutes=min_age_minutes)
        names = list(_walk(default_storage, "documents"))
        known = set(IssuedDocument.objects.filter(pdf__in=names).values_list("pdf", flat=True))
        removed = 0
        for name in names:
            # the age guard spares a file whose issuing transaction has not committed yet
            if name in known or default_storage.get_modified_time(name) > cutoff:
                continue
            self.stdout.write(name)
            if not dry_run:
                default_storage.delete(name)
            removed += 1
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(self.style.SUCCESS(f"{verb} {removed} orphaned file(s)"))
