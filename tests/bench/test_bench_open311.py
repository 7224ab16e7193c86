"""Open311 GET requests over 1,000,000 grid events: latency (p50/p95/p99) and queries per answer for the
default query (the last 90 days, at most 1,000), status and service_code filters, a date window and a
list of ids. The rows are bulk-inserted with SQL (generate_series), one event a minute over ~2 years in
one township, a fifth of them with an intake record. Prints, never asserts."""

import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grid.models import EventCategory, GridEvent
from grid.models.channels import EventIntake
from tests.grid.events.helpers import LAT, LNG, make_place

EVENTS = 1_000_000
RUNS = 20
STATES = [
    "reported",
    "registered",
    "dispatched",
    "in_progress",
    "fed_back",
    "closed",
    "evaluated",
    "rejected",
]


def _not_null_defaults(table: str, given: dict) -> dict:
    """A value for every NOT NULL column the insert does not name (Django sets no database defaults)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL",
            [table],
        )
        rows = cursor.fetchall()
    filler = {"boolean": "false", "integer": "0", "smallint": "0", "bigint": "0", "double precision": "0"}
    return {name: filler.get(kind, "''") for name, kind in rows if name not in given and name != "id"} | given


def _bulk_insert(place, now) -> None:
    categories = list(
        EventCategory.objects.filter(catalogue__township=place.township).values_list("pk", flat=True)
    )
    columns = _not_null_defaults(
        GridEvent._meta.db_table,
        {
            "township_id": str(place.township.pk),
            "grid_id": str(place.grid.pk),
            "village_id": str(place.village.pk),
            "number": "'BENCH-' || i",
            "status": f"(ARRAY{STATES!r})[1 + mod(i, {len(STATES)})]".replace('"', "'"),
            "category_id": f"(ARRAY{categories!r})[1 + mod(i, {len(categories)})]",
            "description": "'路边堆放生活垃圾，影响通行 ' || i",
            "address": "'人民路' || mod(i, 500) || '号'",
            "latitude": f"{LAT} + mod(i, 1000) * 0.00001",
            "longitude": f"{LNG - 0.004} + mod(i, 777) * 0.00001",
            "reported_at": "%s::timestamptz - i * interval '1 minute'",
        },
    )
    names = ", ".join(columns)
    values = ", ".join(columns.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {GridEvent._meta.db_table} ({names}) SELECT {values} FROM generate_series(1, %s) AS i",
            [now, EVENTS],
        )
        cursor.execute(
            f"UPDATE {GridEvent._meta.db_table} SET closed_at = reported_at + interval '2 days'"
            " WHERE township_id = %s AND status IN ('closed', 'evaluated')",
            [place.township.pk],
        )
        intake_columns = _not_null_defaults(
            EventIntake._meta.db_table,
            {
                "event_id": "e.id",
                "source": "'open311'",
                "query_code": "'123456'",
                "media_url": "'https://img.example.com/' || e.id || '.jpg'",
                "alert_count": "1",
            },
        )
        cursor.execute(
            f"INSERT INTO {EventIntake._meta.db_table} ({', '.join(intake_columns)})"
            f" SELECT {', '.join(intake_columns.values())} FROM {GridEvent._meta.db_table} e"
            " WHERE e.township_id = %s AND mod(e.id, 5) = 0",
            [place.township.pk],
        )
        cursor.execute("ANALYZE")


def _percentile(samples, share):
    return samples[min(len(samples) - 1, int(len(samples) * share))]


@pytest.mark.django_db
def test_bench_open311_get_requests(client):
    place = make_place()
    now = timezone.now()
    started = time.perf_counter()
    _bulk_insert(place, now)
    loaded = time.perf_counter() - started
    code = place.township.code
    window_end = now - timedelta(days=200)
    ids = ",".join(f"BENCH-{n}" for n in range(1000, 1050))
    cases = {
        "default (90 days, newest 1,000)": {},
        "status=open": {"status": "open"},
        "status=closed": {"status": "closed"},
        "service_code=01.02": {"service_code": "01.02"},
        "30-day window 200 days ago": {
            "start_date": (window_end - timedelta(days=30)).isoformat(),
            "end_date": window_end.isoformat(),
        },
        "50 ids": {"service_request_id": ids},
    }
    lines = [f"\n[bench] Open311 GET requests over {EVENTS:,} events (loaded in {loaded:.0f} s)"]
    for label, params in cases.items():
        for fmt in ("json", "xml"):
            client.get(f"/open311/v2/requests.{fmt}", {"jurisdiction_id": code, **params})  # warm up
            samples = []
            for _ in range(RUNS):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    answer = client.get(f"/open311/v2/requests.{fmt}", {"jurisdiction_id": code, **params})
                    samples.append((time.perf_counter() - start) * 1000)
            samples.sort()
            rows = (
                answer.content.count(b"<request>")
                if fmt == "xml"
                else answer.content.count(b'"service_request_id"')
            )
            lines.append(
                f"[bench]   {label:32} {fmt:4} {rows:5} rows  p50 {statistics.median(samples):6.1f} ms"
                f"  p95 {_percentile(samples, 0.95):6.1f} ms  p99 {_percentile(samples, 0.99):6.1f} ms"
                f"  {len(queries)} queries"
            )
    print("\n".join(lines))
