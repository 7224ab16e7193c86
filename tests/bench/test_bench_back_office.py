"""Back-office benchmarks (run with `make bench`; they print, never assert on time): the approvers' admin
list with 100,000 applications in the department, and the warning sweep over 1,000,000 open applications."""

import cProfile
import os
import pstats
import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals.models import ReviewTask
from services.models import Application
from tests.approvals.helpers import Office
from township.casework.sweep import sweep_warning_levels

LOADS = 100

# A third overdue, a third in the yellow band, a third with time to spare.
THIRDS = "%(now)s + ((g %% 3) - 1) * interval '1 day' * (1 + g %% 20)"
# A working day of a big county: one in 200 crosses into red at this sweep, one in 200 into yellow, the
# rest have weeks to go.
DAILY = (
    "CASE WHEN g %% 200 = 0 THEN %(now)s - interval '1 hour' WHEN g %% 200 = 1 THEN %(now)s + interval '1 day' "
    "ELSE %(now)s + (5 + g %% 40) * interval '1 day' END"
)


def clone_applications(template: Application, count: int, *, due_sql: str = THIRDS) -> None:
    """Insert `count` copies of an application in one INSERT … SELECT, numbers and due dates varying over
    the rows as `due_sql` says (yellow marks three days before the due date)."""
    fields = [f for f in Application._meta.concrete_fields if not f.primary_key]
    varying = {
        "number": "'BENCH-' || g",
        "due_at": due_sql,
        "yellow_at": f"({due_sql}) - interval '3 day'",
        "warning_level": "0",
        "warning_changed_at": "NULL",
        "created_at": "%(now)s - g * interval '1 second'",
        "updated_at": "%(now)s",
    }
    columns, expressions, params = [], [], {"now": timezone.now()}
    for field in fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.name in varying:
            expressions.append(varying[field.name])
        else:
            key = f"p_{field.column}"
            params[key] = field.get_db_prep_save(getattr(template, field.attname), connection)
            expressions.append(f"%({key})s")
    table = connection.ops.quote_name(Application._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(expressions)} FROM generate_series(1, {int(count)}) AS g",
            params,
        )
        cursor.execute(f"ANALYZE {table}")


@pytest.mark.django_db
def test_bench_approver_list_with_100k_applications(client):
    office = Office(chiefs=2)
    template = office.in_review()
    started = time.perf_counter()
    clone_applications(template, 100_000)
    created = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    chief = ReviewTask.objects.get(application=template).assignee
    client.force_login(chief)
    url = reverse("admin:approvals_reviewcase_changelist")
    client.get(url)  # warm up
    samples, queries = [], 0
    for _ in range(LOADS):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - t0) * 1000)
        queries = len(captured)
        # read now: the next request's request_started signal clears the connection's query log
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
        assert response.status_code == 200
    red_first = client.get(url, {"warning": "2"})
    if os.environ.get("BENCH_PROFILE"):
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(20):
            client.get(url)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
    for query in slowest:
        print(f"\n[bench]   {float(query['time']) * 1000:.0f} ms: {query['sql'][:300]}")
    if os.environ.get("BENCH_EXPLAIN"):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + slowest[0]["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))
    samples.sort()
    print(
        f"\n[bench] approvers' work list (admin changelist, a chief representative), "
        f"{Application.objects.count():,} applications in the department ({created:.1f} s to insert)"
        f"\n[bench]   measured: p50 {statistics.median(samples):.0f} ms, p95 "
        f"{samples[int(len(samples) * 0.95)]:.0f} ms, p99 {samples[int(len(samples) * 0.99)]:.0f} ms "
        f"(n={len(samples)}), {queries} queries per page; filtered to red: {red_first.status_code}"
        f"\n[bench]   target:   p95 over >= 100 loads <= 100 ms, <= 10 queries"
    )


@pytest.mark.django_db(transaction=True)
def test_bench_sweep_over_a_million_open_applications():
    office = Office(chiefs=1)
    template = office.in_review()
    started = time.perf_counter()
    clone_applications(template, 1_000_000, due_sql=DAILY)
    created = time.perf_counter() - started
    now = timezone.now() + timedelta(minutes=1)
    if os.environ.get("BENCH_NO_HOOK"):  # to see the sweep's own share of the time
        from township.casework.registry import register_case_type

        register_case_type(Application)
    profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    t0 = time.perf_counter()
    if profile:
        profile.enable()
    first = sweep_warning_levels(now=now)
    first_s = time.perf_counter() - t0
    if profile:
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
    t0 = time.perf_counter()
    second = sweep_warning_levels(now=now)
    second_s = time.perf_counter() - t0
    stats = first["models"]["services.application"]
    print(
        f"\n[bench] warning sweep over {Application.objects.count():,} open applications, a day's changes "
        f"({created:.0f} s to insert)"
        f"\n[bench]   measured: first run {first_s:.1f} s ({stats['changed']:,} level changes, "
        f"{stats['events']:,} events, {stats['dispatched']:,} dispatched to the back office's hook); "
        f"second run {second_s:.2f} s, {second['models']['services.application']['changed']} changes"
        f"\n[bench]   target:   <= 3 s, rerun 0 changes, two workers at once no double notification "
        f"(tests/approvals/test_warnings_worker.py)"
    )
