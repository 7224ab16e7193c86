"""Enforcement cases at scale (run with `make bench`): the officers' case list with 100,000 cases in the
county (latency and query count), and the sweep over every open deadline. Prints, never asserts on time."""

import statistics
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcement.models.cases import CaseOfficer, EnforcementCase
from tests.enforcement.cases.conftest import build_world
from township.casework.models import Deadline
from township.casework.registry import override_listeners
from township.casework.sweep import sweep_warning_levels

CASES = 100_000
MINE = 300  # the officer's own cases among them
REQUESTS = 30


def _insert_cases(world, now):
    """Set-based: 100,000 cases over the two squads, each with an open decision deadline (a third overdue,
    a third in the yellow band, a third normal)."""
    special = {
        "township_id": "%(township)s",
        "department_id": "CASE WHEN g %% 2 = 0 THEN %(squad)s ELSE %(other)s END",
        "number": "'BENCH-' || g",
        "status": "'investigating'",
        "procedure": "'general'",
        "source": "'patrol'",
        "summary": "'bench case ' || g",
        "place": "'人民路'",
        "discovered_on": "(%(now)s)::date - 10",
        "act_ended_on": "(%(now)s)::date - 12",
        "reported_by_id": "%(officer)s",
        "created_at": "%(now)s - interval '10 days'",
        "registered_at": "%(now)s - interval '9 days'",
        "next_due_at": "%(now)s + (g %% 97 - 30) * interval '1 day'",
        "next_due_label": "'Decide the case (90 days, art. 60)'",
    }
    columns, values = [], []
    for field in EnforcementCase._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.column in special or field.name in special:
            columns.append(field.column)
            values.append(special.get(field.column) or special[field.name])
        elif not field.null:
            columns.append(field.column)
            if isinstance(field, models.BooleanField):
                values.append("false")
            elif isinstance(field, models.DecimalField | models.IntegerField):
                values.append("0")
            else:
                values.append("''")
    params = {
        "township": world.township.pk,
        "squad": world.squad.pk,
        "other": world.other_squad.pk,
        "officer": world.officer.pk,
        "now": now,
    }
    content_type = ContentType.objects.get_for_model(EnforcementCase).pk
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {EnforcementCase._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM generate_series(1, %(count)s) AS g",  # noqa: S608
            {**params, "count": CASES},
        )
        cursor.execute(
            f"""INSERT INTO {Deadline._meta.db_table}
              (content_type_id, object_id, township_id, kind, label, limit_value, limit_unit, clock_started_at, due_at, yellow_at,
               paused_count, warning_level)
            SELECT %(ct)s, c.id, c.township_id, 'decision', 'Decide the case', 90, 'calendar_days', c.registered_at,
                   c.next_due_at, c.next_due_at - interval '3 days', 0, 0
            FROM {EnforcementCase._meta.db_table} c WHERE c.number LIKE 'BENCH-%%'""",  # noqa: S608
            {"ct": content_type},
        )
        cursor.execute(
            f"""INSERT INTO {CaseOfficer._meta.db_table} (case_id, officer_id, credential_id, is_lead, is_active, assigned_at)
            SELECT c.id, %(officer)s, %(credential)s, true, true, %(now)s FROM {EnforcementCase._meta.db_table} c
            WHERE c.number LIKE 'BENCH-%%' AND c.department_id = %(squad)s ORDER BY c.id LIMIT %(mine)s""",  # noqa: S608
            {**params, "credential": world.officer.enforcement_credentials.get().pk, "mine": MINE},
        )
        cursor.execute("ANALYZE")


@pytest.mark.django_db(transaction=True)
def test_bench_officer_case_list_and_deadline_sweep():
    world = build_world()
    now = timezone.now()
    t0 = time.perf_counter()
    _insert_cases(world, now)
    print(f"\n[bench] inserted {CASES:,} cases with their deadlines in {time.perf_counter() - t0:.1f} s")
    client = Client()
    client.force_login(world.officer)
    url = reverse("enforcement-my-cases")
    client.get(url)
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    samples.sort()
    print(
        f"[bench] officer's case list (50 of {MINE} own among {CASES:,}): p50 {statistics.median(samples):.1f} ms, "
        f"p95 {samples[int(len(samples) * 0.95)]:.1f} ms, {len(queries)} queries, status {response.status_code}"
    )
    from enforcement.cases.selectors import my_cases  # noqa: PLC0415 - bench detail

    queryset = my_cases(world.officer)
    start = time.perf_counter()
    rows = list(queryset[:50])
    total = queryset.count()
    print(
        f"[bench] the list query alone: {(time.perf_counter() - start) * 1000:.1f} ms for {len(rows)} rows of {total}"
    )
    home = []
    for _ in range(10):
        start = time.perf_counter()
        client.get(reverse("enforcement-public-procedure"))
        home.append((time.perf_counter() - start) * 1000)
    print(f"[bench] for comparison, a static page of the same layout: p50 {statistics.median(home):.1f} ms")
    api = Client()
    api.force_login(world.head)
    start = time.perf_counter()
    head_list = api.get("/api/enforcement/cases/")
    print(
        f"[bench] head's API list over {CASES:,} (bureau scope): {(time.perf_counter() - start) * 1000:.0f} ms, count {head_list.json()['count']:,}"
    )
    dispatched = []
    with override_listeners(EnforcementCase, [lambda events: dispatched.extend(e.pk for e in events)]):
        t0 = time.perf_counter()
        first = sweep_warning_levels(now=now)
        first_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        second = sweep_warning_levels(now=now)
        second_seconds = time.perf_counter() - t0
    print(
        f"[bench] deadline sweep over {Deadline.objects.filter(clock_stopped_at__isnull=True).count():,} open deadlines: "
        f"first run {first_seconds:.2f} s (changed {first['changed']:,}, events {first['events']:,}, handed to the cases "
        f"{len(dispatched):,}); second run {second_seconds:.2f} s (changed {second['changed']:,})"
    )
