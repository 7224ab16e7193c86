"""The warning sweep: recompute every open case's warning level in SQL and hand new warnings to the apps.

Set-based and idempotent, safe to run twice or on two workers at once:

- per registered model, ONE statement locks the open cases whose level is out of date
  (FOR UPDATE SKIP LOCKED: a case another sweep holds is that sweep's job), updates them and inserts
  a WarningEvent for each increase; the unique constraint on (case, level, due_at) with
  ON CONFLICT DO NOTHING keeps it at one event per level change whatever else runs;
- undispatched events are then claimed with one UPDATE ... RETURNING (SKIP LOCKED again) and handed
  to the model's on_warning hook in the same transaction, so each event reaches its hook once; if the
  hook raises, the claim rolls back and the next sweep hands the events over again.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.utils import timezone

from township.casework.models import WarningEvent
from township.casework.registry import CaseType, registered_case_types

logger = logging.getLogger(__name__)

DISPATCH_BATCH = 1000

_LEVEL_SQL = "CASE WHEN {due_at} <= %(now)s THEN 2 WHEN {yellow_at} <= %(now)s THEN 1 ELSE 0 END"

_SWEEP_SQL = """
WITH stale AS (
    SELECT {pk} AS case_id, {due_at} AS due_at, {level} AS old_level, {computed} AS new_level
    FROM {table}
    WHERE {started_at} IS NOT NULL AND {paused_at} IS NULL AND {stopped_at} IS NULL
      AND {due_at} IS NOT NULL AND {level} <> {computed}
    FOR UPDATE SKIP LOCKED
), changed AS (
    UPDATE {table} SET {level} = stale.new_level, {changed_at} = %(now)s
    FROM stale WHERE {table}.{pk} = stale.case_id
    RETURNING stale.case_id, stale.due_at, stale.old_level, stale.new_level
), raised AS (
    INSERT INTO {event_table} (content_type_id, object_id, level, due_at, created_at, dispatched_at)
    SELECT %(content_type)s, case_id, new_level, due_at, %(now)s, NULL
    FROM changed WHERE new_level > old_level
    ON CONFLICT (content_type_id, object_id, level, due_at) DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM changed), (SELECT count(*) FROM raised)
"""

_CLAIM_SQL = """
UPDATE {event_table} SET dispatched_at = %(now)s
WHERE id IN (
    SELECT id FROM {event_table}
    WHERE dispatched_at IS NULL AND content_type_id = %(content_type)s
    ORDER BY id
    LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
)
RETURNING {columns}
"""


def _sweep_model(case_type: CaseType, content_type_id: int, now: datetime) -> tuple[int, int]:
    model = case_type.model
    using = router.db_for_write(model)
    connection = connections[using]
    quote = connection.ops.quote_name

    def column(name):
        return quote(model._meta.get_field(name).column)

    names = {
        "table": quote(model._meta.db_table),
        "event_table": quote(WarningEvent._meta.db_table),
        "pk": quote(model._meta.pk.column),
        "due_at": column("due_at"),
        "yellow_at": column("yellow_at"),
        "level": column("warning_level"),
        "changed_at": column("warning_changed_at"),
        "started_at": column("clock_started_at"),
        "paused_at": column("clock_paused_at"),
        "stopped_at": column("clock_stopped_at"),
    }
    sql = _SWEEP_SQL.format(computed=_LEVEL_SQL.format(**names), **names)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now, "content_type": content_type_id})
        changed, raised = cursor.fetchone()
    return changed, raised


def _claim_events(content_type_id: int, now: datetime, using: str) -> list[WarningEvent]:
    connection = connections[using]
    fields = list(WarningEvent._meta.concrete_fields)
    sql = _CLAIM_SQL.format(
        event_table=connection.ops.quote_name(WarningEvent._meta.db_table),
        columns=", ".join(connection.ops.quote_name(field.column) for field in fields),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now, "content_type": content_type_id, "batch": DISPATCH_BATCH})
        rows = cursor.fetchall()
    # psycopg2 already returns every column as Django stores it (aware datetimes in UTC)
    field_names = [field.attname for field in fields]
    events = [WarningEvent.from_db(using, field_names, row) for row in rows]
    return sorted(events, key=lambda event: event.pk)


def _dispatch_model(case_type: CaseType, content_type_id: int, now: datetime) -> int:
    using = router.db_for_write(WarningEvent)
    dispatched = 0
    while True:
        with transaction.atomic(using=using):
            events = _claim_events(content_type_id, now, using)
            if events and case_type.on_warning is not None:
                case_type.on_warning(events)
        dispatched += len(events)
        if len(events) < DISPATCH_BATCH:
            return dispatched


def sweep_warning_levels(now: datetime | None = None) -> dict:
    """Update warning levels of every registered case model and dispatch the new warning events.

    Returns counts per model label and in total: cases whose level changed, events recorded,
    events handed to hooks, and the labels whose hook failed (their events wait for the next sweep).
    """
    now = now or timezone.now()
    result: dict = {"changed": 0, "events": 0, "dispatched": 0, "failed": [], "models": {}}
    for case_type in registered_case_types():
        label = case_type.model._meta.label_lower
        content_type_id = ContentType.objects.get_for_model(case_type.model).pk
        changed, raised = _sweep_model(case_type, content_type_id, now)
        try:
            dispatched = _dispatch_model(case_type, content_type_id, now)
        except Exception:
            # One app's failing hook must not hold up the others; its events stay undispatched.
            logger.exception("casework sweep: the warning hook of %s failed; will retry next sweep", label)
            result["failed"].append(label)
            dispatched = 0
        result["models"][label] = {"changed": changed, "events": raised, "dispatched": dispatched}
        result["changed"] += changed
        result["events"] += raised
        result["dispatched"] += dispatched
    return result
