"""Command-centre benchmarks (run with `make bench`; they print, never assert on time): the dashboard's
latency and query count over 1,000,000 applications spread over 120 days, the rollup of those days, of
one day's changes and a rerun, and the warning board's first page."""

import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from command_center import metrics as m
from command_center import selectors
from command_center.services import refresh_rollups
from services.models import Application
from tests.command_center.helpers import Place

DAYS = 120
COUNT = 1_000_000


def clone_spread(template: Application, count: int) -> None:
    """`count` copies of an application in one INSERT … SELECT, received over the last DAYS days; a
    quarter still open (some yellow, some red), the rest decided, most on time."""
    received = f"%(now)s - (g %% {DAYS}) * interval '1 day' - (g %% 480) * interval '1 minute'"
    due = f"({received}) + interval '10 day'"
    varying = {
        "number": "'BENCH-' || g",
        "status": "CASE WHEN g %% 4 = 0 THEN 'in_review' ELSE 'delivered' END",
        "submitted_at": received,
        "accepted_at": received,
        "created_at": received,
        "updated_at": "%(now)s",
        "due_at": due,
        "yellow_at": f"({due}) - interval '3 day'",
        "clock_stopped_at": f"CASE WHEN g %% 4 = 0 THEN NULL ELSE ({received}) + (g %% 13) * interval '1 day' END",
        "warning_level": f"CASE WHEN g %% 4 <> 0 THEN 0 WHEN ({due}) < %(now)s THEN 2 WHEN ({due}) < %(now)s + interval '3 day' THEN 1 ELSE 0 END",
        "warning_changed_at": "NULL",
    }
    fields = [f for f in Application._meta.concrete_fields if not f.primary_key]
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
        cursor.execute("ANALYZE")


def timed(client, url, params, n=20):
    client.get(url, params)
    samples, queries = [], 0
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url, params)
            samples.append((time.perf_counter() - t0) * 1000)
        queries = len(captured)
        assert response.status_code == 200
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)], queries


def timed_call(call, n=10) -> float:
    call()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


@pytest.mark.django_db
def test_bench_dashboard_and_rollups_over_a_million_applications(client):
    place = Place()
    started = time.perf_counter()
    clone_spread(place.office.in_review(), COUNT)
    created = time.perf_counter() - started
    today = timezone.localdate()
    t0 = time.perf_counter()
    first = refresh_rollups(today - timedelta(days=DAYS + 1), today - timedelta(days=1))
    all_days = time.perf_counter() - t0
    t0 = time.perf_counter()
    one_day = refresh_rollups(today - timedelta(days=1), today - timedelta(days=1))
    one_day_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    recent = refresh_rollups(today - timedelta(days=35), today - timedelta(days=1))
    recent_s = time.perf_counter() - t0
    client.force_login(place.command)
    period = {"date_from": (today - timedelta(days=DAYS)).isoformat(), "date_to": today.isoformat()}
    json_p50, json_p95, json_q = timed(client, reverse("command-dashboard-json"), period)
    desk_p50, desk_p95, desk_q = timed(client, reverse("command-dashboard"), {})
    board_p50, board_p95, board_q = timed(client, reverse("command-board"), {}, n=10)
    township_ids = [place.township.pk]
    application_metrics = [k for k, c in m.daily_counts().items() if c.model is Application]
    live_ms = timed_call(lambda: selectors.live_sums(application_metrics, township_ids, today, today))
    warnings_ms = timed_call(lambda: selectors.warning_counts_for_townships(township_ids))
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("command-dashboard-json"), period)
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
    print(
        f"\n[bench] {Application.objects.count():,} applications over {DAYS} days ({created:.0f} s to insert)"
        f"\n[bench] rollup of {DAYS + 1} days: {all_days:.1f} s ({sum(first.values()):,} rows written); one day "
        f"again: {one_day_s:.2f} s ({sum(one_day.values())} changed); the nightly 35-day recompute: "
        f"{recent_s:.1f} s ({sum(recent.values())} changed)"
        f"\n[bench] dashboard JSON ({DAYS}-day period): p50 {json_p50:.0f} ms, p95 {json_p95:.0f} ms, {json_q} queries"
        f"\n[bench] desk view (this month): p50 {desk_p50:.0f} ms, p95 {desk_p95:.0f} ms, {desk_q} queries"
        f"\n[bench] warning board, first page of ~{COUNT // 8:,} red and yellow: p50 {board_p50:.0f} ms, "
        f"p95 {board_p95:.0f} ms, {board_q} queries"
        f"\n[bench] today's live application figures (one grouped query): p50 {live_ms:.0f} ms; the warning "
        f"counts of every case type: p50 {warnings_ms:.0f} ms"
    )
    for query in slowest:
        print(f"[bench] slowest in the JSON: {float(query['time']) * 1000:.0f} ms {query['sql'][:160]}")
