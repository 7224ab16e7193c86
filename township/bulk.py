"""Insert many rows in few statements, keyed rows once: for sweeps and imports that write thousands.

`insert_new(model, rows, conflict=...)` takes plain dicts (no model instances: building 20,000 of them
cost a sweep more than the INSERT), fills each field that a row leaves out with the field's default (and
`auto_now`/`auto_now_add` with the time of the call), and sends them as
`INSERT … VALUES … ON CONFLICT (conflict) DO NOTHING RETURNING pk`, a page of rows per statement. It
returns the primary keys of the rows it inserted, in order, so a caller learns in the same statement what
was new (a row whose key was taken before is left alone and not returned): no SELECT before or after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, router
from django.db.models import Model
from django.utils import timezone

PAGE_SIZE = 2000


def insert_new(
    model: type[Model],
    rows: Iterable[dict],
    *,
    conflict: Sequence[str] = (),
    page_size: int = PAGE_SIZE,
    instances: bool = False,
) -> list:
    """The primary keys of the rows inserted (with `instances`, the rows as model instances, read back by
    the same statement's RETURNING)."""
    rows = list(rows)
    if not rows:
        return []
    using = router.db_for_write(model)
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and _auto(f))]
    now = timezone.now()
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        elif field.has_default() and not callable(field.default):
            defaults[field.attname] = field.default
    unknown = {name for row in rows for name in row} - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{meta.label} has no fields {sorted(unknown)}")
    values = []
    for row in rows:
        line = []
        for field in fields:
            if field.attname in row:
                value = row[field.attname]
            elif field.attname in defaults:
                value = defaults[field.attname]
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            else:
                value = "" if field.empty_strings_allowed else None
            line.append(field.get_db_prep_save(value, connection))
        values.append(tuple(line))
    columns = ", ".join(quote(f.column) for f in fields)
    target = f"ON CONFLICT ({', '.join(quote(meta.get_field(n).column) for n in conflict)}) DO NOTHING"
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 - names from the model
    returned = list(meta.concrete_fields) if instances else [meta.pk]
    tail = f" {target if conflict else ''} RETURNING {', '.join(quote(f.column) for f in returned)}"
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    inserted: list = []
    with connection.cursor() as cursor:
        # psycopg2's own cursor quotes the values (the connection's client encoding is UTF-8, as Django sets
        # it); the statement itself goes through Django's cursor, so it is logged and counted like any other
        raw = cursor.cursor
        for start in range(0, len(values), page_size):
            page = b",".join(raw.mogrify(placeholder, line) for line in values[start : start + page_size])
            cursor.execute(head + page.decode() + tail)
            if instances:
                names = [f.attname for f in returned]
                inserted.extend(model.from_db(using, names, row) for row in cursor.fetchall())
            else:
                inserted.extend(pk for (pk,) in cursor.fetchall())
    return inserted


def _auto(field) -> bool:
    return field.get_internal_type() in {"AutoField", "BigAutoField", "SmallAutoField"}
