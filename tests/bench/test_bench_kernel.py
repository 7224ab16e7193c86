"""Kernel benchmarks (run with `make bench`): calendar arithmetic and the warning sweep. They print, never assert on time."""

import statistics
import time
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.casework_app.models import Permit, PermitNotice
from township.calendar.schedule import add_working_days
from township.casework.sweep import sweep_warning_levels

CASES = 200_000


@pytest.mark.django_db
def test_bench_calendar_add_working_days():
    add_working_days(date(2026, 1, 5), 20)  # warm the per-year cache
    samples = []
    start_day = date(2026, 1, 1)
    for i in range(2_000):
        t0 = time.perf_counter()
        add_working_days(start_day + timedelta(days=i % 700), 20)
        samples.append((time.perf_counter() - t0) * 1e6)
    samples.sort()
    print(
        f"\n[bench] add_working_days(…, 20) over 2,000 dates 2026–2027: "
        f"p50 {statistics.median(samples):.1f} µs, p95 {samples[int(len(samples) * 0.95)]:.1f} µs"
    )


@pytest.mark.django_db(transaction=True)
def test_bench_sweep_over_many_open_cases():
    now = timezone.now()
    # Set-based fixture: a third overdue, a third in the yellow band, a third normal.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Permit._meta.db_table}
              (title, state, limit_value, limit_unit, clock_started_at, due_at, yellow_at, paused_count,
               warning_level)
            SELECT 'p' || g, 'accepted', 10, 'working_days', %s - interval '20 days',
                   %s + (CASE g %% 3 WHEN 0 THEN interval '-1 day' WHEN 1 THEN interval '1 day' ELSE interval '10 days' END),
                   %s + (CASE g %% 3 WHEN 0 THEN interval '-3 day' WHEN 1 THEN interval '-1 day' ELSE interval '8 days' END),
                   0, 0
            FROM generate_series(1, %s) AS g
            """,
            [now, now, now, CASES],
        )
        cursor.execute(f"ANALYZE {Permit._meta.db_table}")
    t0 = time.perf_counter()
    first = sweep_warning_levels(now=now)
    first_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    second = sweep_warning_levels(now=now)
    second_seconds = time.perf_counter() - t0
    print(
        f"\n[bench] sweep over {CASES:,} open cases: first run {first_seconds:.2f} s "
        f"(changed {first['changed']:,}, events {first['events']:,}, "
        f"dispatched {first['dispatched']:,}); second run {second_seconds:.2f} s "
        f"(changed {second['changed']:,}); notices written {PermitNotice.objects.count():,}"
    )
