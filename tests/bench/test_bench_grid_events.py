"""Grid-event benchmarks (they print, never assert on time): the event list page with 1,000,000 events in
the township, the duplicate search around a point, and a month's KPIs."""

import statistics
import time
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grid.events.kpis import event_kpis
from grid.events.selectors import nearby_open_events
from grid.models import GridEvent
from tests.grid.events.helpers import dispatched, make_place

STATUSES = (
    "(ARRAY['reported','registered','dispatched','in_progress','fed_back','closed','evaluated','rejected'])"
)
VARYING = {
    "number": "'BENCH-SJ-' || g",
    "status": f"{STATUSES}[1 + g %% 8]",
    "reported_at": "%(now)s - g * interval '30 second'",
    "dispatched_at": "%(now)s - g * interval '30 second' + interval '1 hour'",
    "clock_started_at": "%(now)s - g * interval '30 second' + interval '1 hour'",
    "due_at": "%(now)s - g * interval '30 second' + interval '1 day'",
    "yellow_at": "%(now)s - g * interval '30 second' + interval '20 hour'",
    # spread over about 11 km x 11 km around the template's point
    "latitude": "%(p_latitude)s + ((g %% 1000) - 500) * 0.0001",
    "longitude": "%(p_longitude)s + ((g / 1000) %% 1000 - 500) * 0.0001",
    "client_key": "''",
}


def clone_events(template: GridEvent, count: int) -> None:
    fields = [f for f in GridEvent._meta.concrete_fields if not f.primary_key]
    columns, expressions, params = [], [], {"now": timezone.now()}
    params["p_latitude"], params["p_longitude"] = template.latitude, template.longitude
    for field in fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.name in VARYING:
            expressions.append(VARYING[field.name])
        else:
            key = f"p_{field.column}"
            params[key] = field.get_db_prep_save(getattr(template, field.attname), connection)
            expressions.append(f"%({key})s")
    table = connection.ops.quote_name(GridEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(expressions)} FROM generate_series(1, {int(count)}) AS g",
            params,
        )
        cursor.execute(f"ANALYZE {table}")


def timed(run, times=20):
    samples, queries = [], 0
    for _ in range(times):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            run()
            samples.append((time.perf_counter() - t0) * 1000)
        queries = len(captured)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)], queries


@pytest.mark.django_db
def test_bench_event_list_with_a_million_events(client):
    place = make_place()
    template = dispatched(place)
    started = time.perf_counter()
    clone_events(template, 1_000_000)
    created = time.perf_counter() - started
    client.force_login(place.centre)
    url = reverse("grid-events")
    assert client.get(url).status_code == 200  # warm up

    def page(params=None):
        response = client.get(url, params or {})
        assert response.status_code == 200

    p50, p95, queries = timed(page)
    f50, f95, f_queries = timed(lambda: page({"status": "dispatched", "page": "3"}))
    api50, api95, api_queries = timed(lambda: client.get(reverse("grid-api-event-list")))
    n50, n95, _n = timed(lambda: nearby_open_events(template))
    k50, k95, k_queries = timed(
        lambda: event_kpis(place.centre, date_from=date(2026, 1, 1), date_to=date(2026, 1, 31)), times=5
    )
    print(
        f"\n[bench] grid event list, {GridEvent.objects.count():,} events in the township ({created:.0f} s to insert):"
        f"\n[bench]   page 1: p50 {p50:.0f} ms, p95 {p95:.0f} ms, {queries} queries per page"
        f"\n[bench]   status=dispatched page 3: p50 {f50:.0f} ms, p95 {f95:.0f} ms, {f_queries} queries"
        f"\n[bench]   API list: p50 {api50:.0f} ms, p95 {api95:.0f} ms, {api_queries} queries"
        f"\n[bench]   duplicate search (250 m, same category, open): p50 {n50:.1f} ms, p95 {n95:.1f} ms"
        f"\n[bench]   a month's KPIs: p50 {k50:.0f} ms, p95 {k95:.0f} ms, {k_queries} queries"
    )
