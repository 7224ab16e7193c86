"""Command centre: business actions (the only place that changes state): the rollups the dashboard reads
(daily for past days, hourly for today from a watermark, the open snapshot for "now" figures), and
urging from the warning board through the kernel.

Every refresh is one set-based statement per metric: the fresh grouped counts are upserted with
INSERT … ON CONFLICT DO UPDATE (only where the value differs) and the stored rows of the recomputed
range that no longer count are deleted, so a rerun over unchanged data changes no row and returns 0."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from command_center import metrics as m
from command_center.models import DailyRollup, HourlyRollup, OpenSnapshot, RollupWatermark
from command_center.selectors import (
    date_alias,
    day_expression,
    day_range,
    filtered_aggregate,
    hour_expression,
    hour_range,
    is_date_field,
    local_hour,
    local_midnight,
    warning_open_counts,
)
from township.casework.urging import urge_case
from township.casework.workflow import advisory_lock


def _any_of(conditions) -> Q:
    """Rows matching any of the conditions (an empty condition matches every row)."""
    found = None
    for condition in conditions:
        if not condition:
            return Q()
        found = condition if found is None else found | condition
    return found if found is not None else Q()


def _joins(count: m.DailyCount | m.OpenCount) -> bool:
    """Whether the count's filter joins another table (a multi-valued join would count a row twice for
    the other metrics of a shared scan): such a count is computed on its own."""
    query = count.model._base_manager.filter(count.filter).query
    # a join Django set up and then trimmed (a foreign key's `__isnull` reads the column) has no references
    return sum(1 for refs in query.alias_refcount.values() if refs) > 1


def count_groups(counts) -> list[list[m.DailyCount]]:
    """The counts that can share one scan of their source table: same model, day field, kind of date
    and township path (one group per such key; a count whose filter joins is a group of its own)."""
    groups: dict = {}
    for count in sorted(counts, key=lambda c: c.metric):
        key = (count.model._meta.label_lower, str(count.date_field), count.due_date, count.township_path)
        if _joins(count):
            key = (*key, count.metric)
        groups.setdefault(key, []).append(count)
    return [groups[key] for key in sorted(groups, key=str)]


class Grain:
    """Where a rollup grain keeps its rows and how a source row is placed in it."""

    def __init__(self, table, bucket_column, bucket, in_range, lock):
        self.table, self.bucket_column, self.bucket, self.in_range, self.lock = (
            table,
            bucket_column,
            bucket,
            in_range,
            lock,
        )


DAY = Grain(DailyRollup._meta.db_table, "day", day_expression, day_range, "command-centre-rollup")
HOUR = Grain(HourlyRollup._meta.db_table, "hour", hour_expression, hour_range, "command-centre-hourly")


def _fresh_group_sql(specs: list[m.DailyCount], grain: Grain, low, high) -> tuple[str, list]:
    """SELECT metric, dimension, r_bucket, r_township, r_dim, r_value for the counts of one group over
    [low, high]: one grouped scan, a filtered aggregate per metric, unpivoted per metric."""
    first = specs[0]
    dims = sorted({spec.dimension_path for spec in specs if spec.dimension_path})
    wanted = _any_of(spec.filter for spec in specs)
    queryset = (
        first.model._base_manager.alias(cc_at=date_alias(first))
        .filter(grain.in_range(first, "cc_at", low, high))
        .filter(wanted)
        .annotate(
            r_bucket=grain.bucket(first),
            r_township=F(first.township_path),
            **{f"r_d{i}": Coalesce(F(d), Value(0)) for i, d in enumerate(dims)},
        )
        .values("r_bucket", "r_township", *[f"r_d{i}" for i in range(len(dims))])
        .annotate(
            **{f"r_v{n}": filtered_aggregate(spec.aggregate(), spec.filter) for n, spec in enumerate(specs)}
        )
        .order_by()
    )
    sql, params = queryset.query.sql_with_params()
    rows, row_params = [], []
    for n, spec in enumerate(specs):
        dim = f"s.r_d{dims.index(spec.dimension_path)}" if spec.dimension_path else "0"
        rows.append(f"(%s::varchar, %s::varchar, ({dim})::bigint, (s.r_v{n})::bigint)")
        row_params += [spec.metric, spec.dimension]
    fresh = f"""
        SELECT x.metric, x.dimension, s.r_bucket, s.r_township, x.dim AS r_dim, SUM(x.v) AS r_value
        FROM ({sql}) AS s CROSS JOIN LATERAL (VALUES {", ".join(rows)}) AS x (metric, dimension, dim, v)
        WHERE x.v <> 0 AND s.r_township IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5
    """  # noqa: S608 - our own names; values are parameters
    return fresh, [*params, *row_params]


def refresh_group(
    specs: list[m.DailyCount], grain: Grain, low, high, stored_low, stored_high
) -> dict[str, int]:
    """Recompute the counts of one group over [low, high] and overwrite the stored buckets in
    [stored_low, stored_high] (upsert the changed, delete those that no longer count), under an advisory
    lock per group so two workers take turns. Returns {metric: rows changed} (0 on a rerun)."""
    table, column = grain.table, grain.bucket_column
    fresh, params = _fresh_group_sql(specs, grain, low, high)
    metrics = [spec.metric for spec in specs]
    upper = "<=" if grain is DAY else "<"
    sql = f"""
        WITH fresh AS ({fresh}),
        up AS (
            INSERT INTO {table} ({column}, township_id, metric, dimension, dimension_id, value)
            SELECT r_bucket, r_township, metric, dimension, r_dim, r_value FROM fresh
            ON CONFLICT (township_id, metric, {column}, dimension, dimension_id)
            DO UPDATE SET value = EXCLUDED.value WHERE {table}.value IS DISTINCT FROM EXCLUDED.value
            RETURNING metric
        ),
        gone AS (
            DELETE FROM {table} AS r
            WHERE r.metric = ANY(%s) AND r.{column} >= %s AND r.{column} {upper} %s
              AND NOT EXISTS (
                  SELECT 1 FROM fresh f
                  WHERE f.metric = r.metric AND f.r_bucket = r.{column} AND f.r_township = r.township_id
                    AND f.r_dim = r.dimension_id
              )
            RETURNING r.metric
        )
        SELECT metric, count(*) FROM (SELECT metric FROM up UNION ALL SELECT metric FROM gone) AS c GROUP BY metric
    """  # noqa: S608 - table and column names are ours; values are parameters
    with transaction.atomic():
        for metric in metrics:  # the same locks, in the same order, whatever the grouping
            advisory_lock(grain.lock, metric)
        with connection.cursor() as cursor:
            cursor.execute(sql, (*params, metrics, stored_low, stored_high))
            found = dict(cursor.fetchall())
    return {metric: found.get(metric, 0) for metric in metrics}


def refresh_rollups(first: date, last: date, metrics: list[str] | None = None) -> dict[str, int]:
    """Recompute every registered daily count (or those named) for the days [first, last], one scan per
    group of counts; idempotent: a rerun over unchanged data changes no row. Returns {metric: rows
    changed}."""
    if first > last:
        return {}
    counts = m.daily_counts()
    chosen = [counts[k] for k in (metrics or sorted(counts)) if k in counts]
    changed = {}
    for specs in count_groups(chosen):
        changed.update(refresh_group(specs, DAY, first, last, first, last))
    return changed


def refresh_recent(days: int, *, today: date | None = None) -> dict[str, int]:
    """The daily rollups of the last `days` days and today, and today's hours again in full (the late
    changes the watermark does not see: a row of an earlier hour that changed)."""
    today = today or timezone.localdate()
    changed = refresh_rollups(today - timedelta(days=days), today)
    for metric, n in refresh_hours(local_midnight(today), local_midnight(today + timedelta(days=1))).items():
        changed[metric] = changed.get(metric, 0) + n
    return changed


# --- today, by the hour ------------------------------------------------------------------------------------

HOURLY = "hourly"


def refresh_hours(start: datetime, end: datetime, metrics: list[str] | None = None, *, starts=None) -> dict:
    """Recompute the hourly counts (or those named) for the local hours in [start, end) and overwrite
    the stored hours; `starts` may give a later start per metric (a group starts at its earliest). A date
    field has no hour: its whole day counts on its first hour, so its group starts at midnight."""
    counts = m.daily_counts()
    chosen = [counts[k] for k in (metrics or sorted(counts)) if k in counts]
    changed = {}
    for specs in count_groups(chosen):
        low = min((starts or {}).get(spec.metric, start) for spec in specs)
        if is_date_field(specs[0]):
            low = local_midnight(timezone.localtime(low).date())
        changed.update(refresh_group(specs, HOUR, low, end, low, end))
    return changed


def _first_changed_hours(counts, since: datetime, start: datetime, end: datetime) -> dict:
    """{metric: the earliest hour in [start, end) of a row changed after `since`} for the counts that
    declare a change column: one query per source model (a filtered MIN per metric), not per metric."""
    per_model: dict = {}
    for count in counts:
        if count.changed_field:
            per_model.setdefault((count.model, count.changed_field), []).append(count)
    found = {}
    for (model, changed_field), specs in per_model.items():
        queryset = model._base_manager.filter(**{f"{changed_field}__gt": since}).alias(
            **{f"cc_at_{n}": date_alias(spec) for n, spec in enumerate(specs)}
        )
        hours = queryset.aggregate(
            **{
                f"h{n}": Min(
                    hour_expression(spec), filter=hour_range(spec, f"cc_at_{n}", start, end) & spec.filter
                )
                for n, spec in enumerate(specs)
            }
        )
        for n, spec in enumerate(specs):
            found[spec.metric] = hours[f"h{n}"]
    return found


def refresh_today(*, now: datetime | None = None) -> dict:
    """Today's hourly rollups from the watermark: every metric's hours from the hour of the last run (less
    a safety lag for transactions that commit late) to the end of the day, which holds the rows that
    happened since and the due-date cohorts (their hour is the deadline's, later today), plus the hours
    of rows whose change column moved since. Safe on two workers: the watermark row is locked FOR UPDATE
    SKIP LOCKED, and a worker that finds it locked skips the run. Hours older than yesterday are pruned.
    Returns {metric: rows changed}, or {"skipped": True}."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day_start = local_midnight(today)
    day_end = local_midnight(today + timedelta(days=1))
    RollupWatermark.objects.get_or_create(key=HOURLY)
    with transaction.atomic():
        mark = RollupWatermark.objects.select_for_update(skip_locked=True).filter(key=HOURLY).first()
        if mark is None:
            return {"skipped": True}
        since = mark.processed_until
        lag = timedelta(seconds=settings.COMMAND_CENTRE_COMMIT_LAG_SECONDS)
        counts = m.daily_counts()
        incremental = since is not None and since - lag >= day_start
        touched = (
            _first_changed_hours(counts.values(), since - lag, day_start, day_end) if incremental else {}
        )
        starts = {}
        for metric in counts:
            start = day_start
            if incremental:
                start = local_hour(since - lag)
                if touched.get(metric) is not None and touched[metric] < start:
                    start = touched[metric]
            starts[metric] = start
        changed = refresh_hours(day_start, day_end, starts=starts)
        HourlyRollup.objects.filter(hour__lt=local_midnight(today - timedelta(days=1))).delete()
        mark.processed_until = now
        mark.save(update_fields=["processed_until", "updated_at"])
    return changed


# --- the open snapshot -----------------------------------------------------------------------------------


def _fresh_open_sql(specs: list[m.OpenCount]) -> tuple[str, list]:
    """SELECT metric, dimension, r_township, r_dim, r_value for open counts of one source model: one
    grouped scan of the rows any of them counts, a filtered count per metric, unpivoted per metric
    (distinct ids where a filter joins, so it cannot count a row twice; a plain count elsewhere, which
    the database sums in one pass instead of sorting every group's ids)."""
    model, township_path = specs[0].model, specs[0].township_path
    dims = sorted({spec.dimension_path for spec in specs if spec.dimension_path})
    wanted = _any_of(spec.filter for spec in specs)
    # when every count of the scan has the same filter, the WHERE already says it: no FILTER clause,
    # whose columns would otherwise keep the database from answering from the index alone
    shared = all(spec.filter == specs[0].filter for spec in specs)

    def counted(spec):
        if _joins(spec):
            return Count("pk", filter=spec.filter or None, distinct=True)
        return Count("*") if shared else Count(Value(1), filter=spec.filter or None)

    queryset = (
        model._base_manager.filter(wanted)
        .annotate(
            r_township=F(township_path), **{f"r_d{i}": Coalesce(F(d), Value(0)) for i, d in enumerate(dims)}
        )
        .values("r_township", *[f"r_d{i}" for i in range(len(dims))])
        .annotate(**{f"r_v{n}": counted(spec) for n, spec in enumerate(specs)})
        .order_by()
    )
    sql, params = queryset.query.sql_with_params()
    rows, row_params = [], []
    for n, spec in enumerate(specs):
        dim = f"s.r_d{dims.index(spec.dimension_path)}" if spec.dimension_path else "0"
        rows.append(f"(%s::varchar, %s::varchar, ({dim})::bigint, s.r_v{n})")
        row_params += [spec.metric, spec.dimension]
    fresh = f"""
        SELECT x.metric, x.dimension, s.r_township, x.dim AS r_dim, SUM(x.v) AS r_value
        FROM ({sql}) AS s CROSS JOIN LATERAL (VALUES {", ".join(rows)}) AS x (metric, dimension, dim, v)
        WHERE x.v > 0 AND s.r_township IS NOT NULL
        GROUP BY 1, 2, 3, 4
    """  # noqa: S608 - our own names; values are parameters
    return fresh, [*params, *row_params]


def refresh_open_group(specs: list[m.OpenCount]) -> dict[str, int]:
    """Recount the open counts of one source model in place (upsert the changed, delete those that no
    longer count). Returns {metric: rows changed}."""
    table = OpenSnapshot._meta.db_table
    fresh, params = _fresh_open_sql(specs)
    metrics = [spec.metric for spec in specs]
    sql = f"""
        WITH fresh AS ({fresh}),
        up AS (
            INSERT INTO {table} (township_id, metric, dimension, dimension_id, value)
            SELECT r_township, metric, dimension, r_dim, r_value FROM fresh
            ON CONFLICT (township_id, metric, dimension, dimension_id)
            DO UPDATE SET value = EXCLUDED.value WHERE {table}.value IS DISTINCT FROM EXCLUDED.value
            RETURNING metric
        ),
        gone AS (
            DELETE FROM {table} AS r
            WHERE r.metric = ANY(%s)
              AND NOT EXISTS (
                  SELECT 1 FROM fresh f
                  WHERE f.metric = r.metric AND f.r_township = r.township_id AND f.r_dim = r.dimension_id
              )
            RETURNING r.metric
        )
        SELECT metric, count(*) FROM (SELECT metric FROM up UNION ALL SELECT metric FROM gone) AS c GROUP BY metric
    """  # noqa: S608 - table and column names are ours; values are parameters
    with transaction.atomic():
        advisory_lock("command-centre-open", specs[0].model._meta.label_lower)
        with connection.cursor() as cursor:
            cursor.execute(sql, (*params, metrics))
            found = dict(cursor.fetchall())
    return {metric: found.get(metric, 0) for metric in metrics}


def refresh_open_snapshot() -> dict[str, int]:
    """Every registered open count and the warning counts of every case type, recounted in place: one
    statement per source model and scan; counts no longer registered are dropped. Returns {metric: rows changed}
    (all 0 on a rerun)."""
    counts = {**m.open_counts(), **warning_open_counts()}
    groups: dict = {}
    for metric in sorted(counts):
        count = counts[metric]
        groups.setdefault((count.model._meta.label_lower, count.township_path, count.scan), []).append(count)
    changed = {}
    for key in sorted(groups):
        changed.update(refresh_open_group(groups[key]))
    OpenSnapshot.objects.exclude(metric__in=list(counts)).delete()
    return changed


def urge_from_board(*, case, by, note: str, level: str):
    """Urge (催办) or supervise (督办) the handlers of a case from the warning board (the kernel does the
    telling, once per person, and the timeline entry)."""
    return urge_case(case=case, by=by, note=note, level=level)
