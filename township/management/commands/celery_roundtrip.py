"""Send a ping task and wait for a real worker to return it: proof that broker and worker work."""

import secrets

from django.core.management.base import BaseCommand, CommandError

from township.tasks import ping


class Command(BaseCommand):
    help = "Send a task through the broker and wait for a worker to execute it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args, timeout=60.0, **options):
        token = secrets.token_hex(8)
        result = ping.delay(token)
        try:
            reply = result.get(timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - any failure means no round trip
            raise CommandError(
                f"no worker answered within {timeout:.0f}s: {exc.__class__.__name__}: {exc}"
            ) from exc
        if reply.get("token") != token:
            raise CommandError(f"worker answered with the wrong token: {reply!r}")
        self.stdout.write(self.style.SUCCESS(f"task {result.id} executed by worker on {reply['worker']}"))
