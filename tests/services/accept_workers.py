"""Work for tests.concurrency.in_processes: walk-ins received and accepted at one window, as a clerk's
browser would (each in its own transaction, committed)."""

from __future__ import annotations

import time


def accept_walk_ins(clerk_id: int, window_id: int, item_id: int, count: int, receipts: bool) -> list:
    """Receive and accept `count` walk-ins; [(application number, receipt number or None, ms, this process's CPU ms)]."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from services.models import ServiceItem
    from services.services.intake import accept_application, receive_at_window
    from tests.services.intake_helpers import applicant, full_checklist
    from township.org.models import ServiceWindow

    clerk = get_user_model().objects.get(pk=clerk_id)
    window = ServiceWindow.objects.get(pk=window_id)
    item = ServiceItem.objects.select_related("township", "current_version").get(pk=item_id)
    checklist, done = None, []
    for _ in range(count):
        started, cpu = time.perf_counter(), time.process_time()
        with transaction.atomic():  # as the workbench does: reception and outcome in one transaction
            received = receive_at_window(
                township=item.township, clerk=clerk, window=window, item=item, applicant=applicant()
            )
            checklist = checklist or full_checklist(received)
            accepted = accept_application(
                application=received, clerk=clerk, checklist=checklist, window=window, with_receipt=receipts
            )
        elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
        done.append((accepted.number, accepted.receipt.number if accepted.receipt_id else None, elapsed, cpu))
    return done
