"""Window-accept throughput: receive a walk-in and accept it (checklist, number, clock, timeline, SMS outbox
row), without rendering the receipt PDF; then the cost of the receipt PDF on its own. Prints, never asserts."""

import statistics
import time

import pytest
from django.db import connection

from services.services.intake import accept_application, receive_at_window
from tests.factories import TownshipFactory
from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item

ACCEPTS = 500
WITH_PDF = 20


@pytest.mark.django_db
def test_bench_window_accept_throughput():
    township = TownshipFactory()
    item = intake_item(township=township, promised_limit_days=10)
    clerk, window = clerk_at_window(township)
    checklist = None

    def one(with_receipt: bool) -> float:
        nonlocal checklist
        start = time.perf_counter()
        application = receive_at_window(
            township=township, clerk=clerk, window=window, item=item, applicant=applicant()
        )
        checklist = checklist or full_checklist(application)
        accept_application(
            application=application, clerk=clerk, checklist=checklist, with_receipt=with_receipt
        )
        return (time.perf_counter() - start) * 1000

    for _ in range(20):  # warm up caches (content types, calendar, permissions)
        one(False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    samples = sorted(one(False) for _ in range(ACCEPTS))
    elapsed = time.perf_counter() - started
    pdf_samples = sorted(one(True) for _ in range(WITH_PDF))
    print(
        f"\n[bench] window accept without PDF: {ACCEPTS} walk-ins received and accepted in {elapsed:.1f} s = "
        f"{ACCEPTS / elapsed:.0f} per second on one connection; p50 {statistics.median(samples):.1f} ms, "
        f"p95 {samples[int(len(samples) * 0.95)]:.1f} ms"
        f"\n[bench] with the receipt PDF: p50 {statistics.median(pdf_samples):.0f} ms per accept "
        f"({WITH_PDF} samples)"
    )
