"""Command-centre benchmark (run with `make bench`; it prints, never asserts on time): 10,000,000
applications, 1,000,000 grid events and 100,000 enforcement cases spread over 120 days, seeded with
set-based INSERT … SELECT FROM generate_series; the rollups filled once; then the refresh of one day's
changes (the daily rollup of the day, today's hours from the watermark, the open snapshot), a rerun,
and the dashboard's latency (the JSON over the 120 days, the desk view, the warning board).

BENCH_CC_APPLICATIONS sets the size (default 1,000,000: ten times fewer of each); the figures of a
full 10,000,000 run are in docs/command-centre.md."""

import os
import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from command_center.selectors import local_midnight
from command_center.services import refresh_open_snapshot, refresh_recent, refresh_rollups, refresh_today
from enforcement.models.cases import EnforcementCase
from grid.models import GridEvent
from services.models import Application
from tests.command_center.helpers import Place
from tests.enforcement.cases.conftest import build_world
from tests.enforcement.cases.helpers import registered as registered_case
from tests.grid.events.helpers import dispatched as dispatched_event
from tests.grid.events.helpers import make_place

DAYS = 120
APPLICATIONS = int(os.environ.get("BENCH_CC_APPLICATIONS", "1000000"))
EVENTS = APPLICATIONS // 10
CASES = APPLICATIONS // 100
BATCH = 1_000_000

RECEIVED = f"%(now)s - (g %% {DAYS}) * interval '1 day' - (g %% 480) * interval '1 minute'"


def clone(model, template, count: int, varying: dict, prefix: str) -> None:
    """`count` copies of `template` in INSERT … SELECT FROM generate_series batches; `varying` gives SQL
    expressions of g (the row number) per field, unique text fields get `prefix-g`."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    for first in range(1, count + 1, BATCH):
        last = min(count, first + BATCH - 1)
        columns, expressions, params = [], [], {"now": timezone.now()}
        for f in fields:
            columns.append(connection.ops.quote_name(f.column))
            if f.name in varying:
                expressions.append(varying[f.name])
            elif f.unique:
                expressions.append(f"'{prefix}-' || g")
            else:
                key = f"p_{f.column}"
                params[key] = f.get_db_prep_save(getattr(template, f.attname), connection)
                expressions.append(f"%({key})s")
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our own names and numbers
                f"SELECT {', '.join(expressions)} FROM generate_series({first}, {last}) AS g",
                params,
            )


def seed_applications(template: Application, count: int) -> None:
    """Received over the last DAYS days; a quarter still open (some yellow, most red), the rest decided."""
    due = f"({RECEIVED}) + interval '10 day'"
    clone(
        Application,
        template,
        count,
        {
            "status": "CASE WHEN g %% 4 = 0 THEN 'in_review' ELSE 'delivered' END",
            "submitted_at": RECEIVED,
            "accepted_at": RECEIVED,
            "created_at": RECEIVED,
            "updated_at": RECEIVED,
            "due_at": due,
            "yellow_at": f"({due}) - interval '3 day'",
            "clock_stopped_at": f"CASE WHEN g %% 4 = 0 THEN NULL ELSE ({RECEIVED}) + (g %% 13) * interval '1 day' END",
            "warning_level": f"CASE WHEN g %% 4 <> 0 THEN 0 WHEN ({due}) < %(now)s THEN 2 "
            f"WHEN ({due}) < %(now)s + interval '3 day' THEN 1 ELSE 0 END",
            "warning_changed_at": "NULL",
        },
        "BENCH-A",
    )


def seed_events(template: GridEvent, township_id: int, count: int) -> None:
    """Reported over the DAYS days, due two days later; a fifth still being handled, the rest closed
    (most on time, some reworked)."""
    due = f"({RECEIVED}) + interval '2 day'"
    clone(
        GridEvent,
        template,
        count,
        {
            "township": str(int(township_id)),
            "status": "CASE WHEN g %% 5 = 0 THEN 'in_progress' ELSE 'closed' END",
            "reported_at": RECEIVED,
            "registered_at": RECEIVED,
            "dispatched_at": RECEIVED,
            "assigned_at": RECEIVED,
            "clock_started_at": RECEIVED,
            "due_at": due,
            "yellow_at": f"({due}) - interval '1 day'",
            "closed_at": f"CASE WHEN g %% 5 = 0 THEN NULL ELSE ({RECEIVED}) + (g %% 3) * interval '1 day' END",
            "clock_stopped_at": f"CASE WHEN g %% 5 = 0 THEN NULL ELSE ({RECEIVED}) + (g %% 3) * interval '1 day' END",
            "closed_on_time": "CASE WHEN g %% 5 = 0 THEN NULL ELSE g %% 3 < 2 END",
            "rework_count": "(g %% 17 = 0)::int",
            "warning_level": f"CASE WHEN g %% 5 <> 0 THEN 0 WHEN ({due}) < %(now)s THEN 2 ELSE 1 END",
            "client_key": "''",
        },
        "BENCH-E",
    )


def seed_cases(template: EnforcementCase, township_id: int, department_id: int, count: int) -> None:
    """Recorded over the DAYS days, spread over the stages; a third closed."""
    clone(
        EnforcementCase,
        template,
        count,
        {
            "township": str(int(township_id)),
            "department": str(int(department_id)),
            "status": "(ARRAY['clue','investigating','proposed','decided','closed','closed'])[1 + g %% 6]",
            "created_at": RECEIVED,
            "registered_at": f"CASE WHEN g %% 6 = 0 THEN NULL ELSE ({RECEIVED}) + interval '1 hour' END",
            "closed_at": f"CASE WHEN g %% 6 >= 4 THEN ({RECEIVED}) + interval '30 day' END",
            "current_proposal": "NULL",
            "notified_proposal": "NULL",
            "decided_proposal": "NULL",
            "decision_document": "NULL",
            "form_number": "''",
        },
        "BENCH-C",
    )


def a_days_changes(today) -> int:
    """A day's work (about a day's intake): yesterday the back office decided every open application
    accepted four days ago."""
    accepted = local_midnight(today - timedelta(days=4))
    return Application.objects.filter(
        status="in_review", accepted_at__gte=accepted, accepted_at__lt=accepted + timedelta(days=1)
    ).update(
        status="delivered",
        clock_stopped_at=local_midnight(today) - timedelta(hours=9),
        warning_level=0,
        updated_at=timezone.now(),
    )


def timed(client, url, params, n=100):
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
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], queries


def clock(call):
    t0 = time.perf_counter()
    result = call()
    return time.perf_counter() - t0, result


def changed(result) -> int:
    return sum(v for v in result.values() if isinstance(v, int))


@pytest.mark.django_db(transaction=True)  # committed rows, so VACUUM can set the visibility map
def test_bench_dashboard_and_rollups_at_scale(client):
    place = Place()
    grid_place = make_place()
    event = dispatched_event(grid_place)
    world = build_world()
    case = registered_case(world)
    started = time.perf_counter()
    seed_applications(place.office.in_review(), APPLICATIONS)
    seed_events(event, place.township.pk, EVENTS)
    seed_cases(case, place.township.pk, place.department.pk, CASES)
    with connection.cursor() as cursor:
        # the steady state autovacuum keeps: statistics, and the visibility map that lets the snapshot's
        # counts come from the index alone (a day's changes then clear it on the pages they touch)
        for model in (Application, GridEvent, EnforcementCase):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
        cursor.execute("ANALYZE")
    seeded_s = time.perf_counter() - started
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)

    fill_s, fill = clock(lambda: refresh_rollups(today - timedelta(days=DAYS + 1), yesterday))
    today_s, first_today = clock(refresh_today)
    open_s, first_open = clock(refresh_open_snapshot)
    moved = a_days_changes(today)
    day_s, day = clock(lambda: refresh_recent(1))
    watermark_s, watermark = clock(refresh_today)
    open_again_s, open_again = clock(refresh_open_snapshot)
    rerun_s, rerun = clock(lambda: refresh_recent(1))
    nightly_s, nightly = clock(lambda: refresh_rollups(today - timedelta(days=35), yesterday))

    client.force_login(place.command)
    period = {"date_from": (today - timedelta(days=DAYS)).isoformat(), "date_to": today.isoformat()}
    json_p50, json_p95, json_q = timed(client, reverse("command-dashboard-json"), period)
    desk_p50, desk_p95, desk_q = timed(client, reverse("command-dashboard"), {})
    board_p50, board_p95, board_q = timed(client, reverse("command-board"), {}, n=20)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("command-dashboard-json"), period)
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
    print(
        f"\n[bench] {Application.objects.count():,} applications, {GridEvent.objects.count():,} grid events, "
        f"{EnforcementCase.objects.count():,} enforcement cases over {DAYS} days ({seeded_s:.0f} s to seed)"
        f"\n[bench] first fill of the daily rollups, {DAYS + 1} days: {fill_s:.1f} s ({changed(fill):,} rows); "
        f"today's hours: {today_s:.2f} s ({changed(first_today)} rows); open snapshot: {open_s:.2f} s "
        f"({changed(first_open)} rows)"
        f"\n[bench] a day's changes ({moved:,} applications decided): daily rollups of yesterday and today with today's hours {day_s:.2f} s "
        f"({changed(day)} rows changed) + today's hours from the watermark {watermark_s:.2f} s "
        f"({changed(watermark)}) + open snapshot {open_again_s:.2f} s ({changed(open_again)}) = "
        f"{day_s + watermark_s + open_again_s:.1f} s (target <= 10 s)"
        f"\n[bench] rerun of the day: {rerun_s:.2f} s ({changed(rerun)} changed); the nightly 35-day "
        f"recompute: {nightly_s:.1f} s ({changed(nightly)} changed)"
        f"\n[bench] dashboard JSON ({DAYS}-day period, n=100): p50 {json_p50:.1f} ms, p95 {json_p95:.1f} ms "
        f"(target p95 <= 50 ms), {json_q} queries"
        f"\n[bench] desk view (this month, n=100): p50 {desk_p50:.1f} ms, p95 {desk_p95:.1f} ms, {desk_q} queries"
        f"\n[bench] warning board, first page (n=20): p50 {board_p50:.0f} ms, p95 {board_p95:.0f} ms, {board_q} queries"
    )
    if os.environ.get("BENCH_CC_PROFILE"):
        import cProfile  # noqa: PLC0415 - only when asked
        import pstats  # noqa: PLC0415

        profile = cProfile.Profile()
        profile.enable()
        for _ in range(10):
            client.get(reverse("command-dashboard-json"), period)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    for query in slowest:
        print(f"[bench] slowest in the JSON: {float(query['time']) * 1000:.1f} ms {query['sql'][:160]}")
