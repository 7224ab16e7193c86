"""Check the hash chains of case timelines and name every entry that was changed or removed."""

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from township.casework.models import TimelineEntry
from township.casework.timeline import verify_timelines


class Command(BaseCommand):
    help = "Verify the hash chains of case timelines; exits with status 1 if any entry was tampered with."

    def add_arguments(self, parser):
        parser.add_argument(
            "--model", help="only cases of this model, as app_label.model (e.g. services.application)"
        )
        parser.add_argument("--object-id", type=int, help="only this case (needs --model)")

    def handle(self, *args, model=None, object_id=None, **options):
        entries = TimelineEntry.objects.all()
        if model:
            app_label, _, name = model.lower().partition(".")
            try:
                content_type = ContentType.objects.get_by_natural_key(app_label, name)
            except ContentType.DoesNotExist:
                raise CommandError(
                    gettext("Unknown model “%(model)s”; use app_label.model.") % {"model": model}
                ) from None
            entries = entries.filter(content_type=content_type)
        if object_id is not None:
            if not model:
                raise CommandError(gettext("--object-id needs --model: case ids are per model."))
            entries = entries.filter(object_id=object_id)

        report = verify_timelines(entries)
        if report:
            heading = ngettext(
                "%(count)s problem found in the timelines:",
                "%(count)s problems found in the timelines:",
                len(report),
            ) % {"count": len(report)}
            raise CommandError("\n".join([heading, *(f"  {problem}" for problem in report)]))
        self.stdout.write(
            self.style.SUCCESS(
                gettext("%(entries)s entries in %(cases)s cases verified, no tampering found")
                % {"entries": report.entries, "cases": report.cases}
            )
        )
