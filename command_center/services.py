"""Command centre: business actions (the only place that changes state): the daily rollups, and urging
from the warning board through the kernel."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from command_center import metrics as m
from command_center.models import DailyRollup
from command_center.selectors import date_alias, day_expression, day_range
from township.casework.urging import urge_case
from township.casework.workflow import advisory_lock


def _fresh_sql(count: m.DailyCount, first: date, last: date) -> tuple[str, tuple]:
    """SELECT r_day, r_township, r_dim, r_value: the count for every day in [first, last], one grouped
    query over the source table."""
    dimension = F(count.dimension_path) if count.dimension_path else None
    queryset = (
        count.model._base_manager.alias(cc_day=date_alias(count))
        .filter(day_range(count, "cc_day", first, last))
        .filter(count.filter)
        .annotate(r_day=day_expression(count), r_township=F(count.township_path))
    )
    if dimension is not None:
        queryset = queryset.annotate(r_dim=Coalesce(dimension, Value(0)))
        group = ("r_day", "r_township", "r_dim")
    else:
        group = ("r_day", "r_township")
    queryset = queryset.values(*group).annotate(r_value=count.aggregate()).order_by()
    sql, params = queryset.query.sql_with_params()
    dim = "r_dim" if dimension is not None else "0"
    return f"SELECT r_day, r_township, {dim} AS r_dim, r_value FROM ({sql}) AS s", params


def refresh_count(count: m.DailyCount, first: date, last: date) -> int:
    """Recompute one metric for the days [first, last] and overwrite the stored rows: new and changed
    rows are upserted (INSERT … ON CONFLICT DO UPDATE, only where the value differs), rows of those days
    that no longer have a value are deleted. Returns how many rows changed (0 on a rerun)."""
    table = DailyRollup._meta.db_table
    fresh, params = _fresh_sql(count, first, last)
    sql = f"""
        WITH fresh AS ({fresh}),
        up AS (
            INSERT INTO {table} (day, township_id, metric, dimension, dimension_id, value)
            SELECT r_day, r_township, %s, %s, r_dim, r_value FROM fresh
            ON CONFLICT (township_id, metric, day, dimension, dimension_id)
            DO UPDATE SET value = EXCLUDED.value WHERE {table}.value IS DISTINCT FROM EXCLUDED.value
            RETURNING 1
        ),
        gone AS (
            DELETE FROM {table} AS r
            WHERE r.metric = %s AND r.day BETWEEN %s AND %s
              AND NOT EXISTS (
                  SELECT 1 FROM fresh f
                  WHERE f.r_day = r.day AND f.r_township = r.township_id AND f.r_dim = r.dimension_id
              )
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM up) + (SELECT count(*) FROM gone)
    """  # noqa: S608 - table and column names are ours; values are parameters
    with transaction.atomic():
        # Two workers refreshing the same metric take turns (no deadlock between their upserts).
        advisory_lock("command-centre-rollup", count.metric)
        with connection.cursor() as cursor:
            cursor.execute(sql, (*params, count.metric, count.dimension, count.metric, first, last))
            return cursor.fetchone()[0]


def refresh_rollups(first: date, last: date, metrics: list[str] | None = None) -> dict[str, int]:
    """Recompute every registered daily count (or those named) for the days [first, last]; idempotent:
    a rerun over unchanged data changes no row. Returns {metric: rows changed}."""
    if first > last:
        return {}
    counts = m.daily_counts()
    chosen = [counts[k] for k in (metrics or sorted(counts)) if k in counts]
    return {count.metric: refresh_count(count, first, last) for count in chosen}


def refresh_recent(days: int, *, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    return refresh_rollups(today - timedelta(days=days), today)


def urge_from_board(*, case, by, note: str, level: str):
    """Urge (催办) or supervise (督办) the handlers of a case from the warning board (the kernel does the
    telling, once per person, and the timeline entry)."""
    return urge_case(case=case, by=by, note=note, level=level)
