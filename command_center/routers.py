"""Command centre: the database router that sends the dashboard's reads to a read replica.

With REPLICA_DATABASE_URL set, township/settings.py adds the "replica" alias and this router. Reads made
inside `replica_reads()` (the dashboard, its JSON, the rating; see command_center.selectors) go to the
replica; everything else, and every write, stays on "default". Without the alias the router says nothing
and Django uses "default". A replica lags its primary a little: fine for figures that refresh every
minute, never used for a page that acts on what it reads.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_dashboard: ContextVar[bool] = ContextVar("command_centre_replica_reads", default=False)


@contextmanager
def replica_reads():
    """Route the reads made inside the block to the replica (if one is configured)."""
    token = _reading_dashboard.set(True)
    try:
        yield
    finally:
        _reading_dashboard.reset(token)


def reads_from_replica(function):
    """Decorate a selector whose reads may come from the replica."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return function(*args, **kwargs)

    return wrapper


def in_replica_reads() -> bool:
    return _reading_dashboard.get()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class DashboardReplicaRouter:
    """Reads inside `replica_reads()` on the replica; everything else undecided (the default)."""

    def db_for_read(self, model, **hints):
        if in_replica_reads() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # the replica holds the same rows as the primary
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # a replica follows its primary's schema; it is never migrated itself
        return False if db == REPLICA else None
