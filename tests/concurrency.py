"""Run a function in separate processes against the test database (a real second client, not a thread):
for tests of what two processes do at once, and for the benchmarks' load from several processes.

    results = in_processes(accept_walk_ins, [args_for_process_1, args_for_process_2])

Each process starts fresh (spawn), sets Django up with the test settings and connects to the database
the calling test uses; `func` must be importable at module level and return something picklable.
"""

from __future__ import annotations

import multiprocessing
import os

from django.conf import settings
from django.db import connection


def _run(settings_module: str, db_name: str, media_root: str, func, args, start):
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.conf import settings as child_settings
    from django.db import connections

    child_settings.DATABASES["default"]["NAME"] = db_name
    child_settings.MEDIA_ROOT = media_root  # the test settings make a temporary folder per process
    connections["default"].settings_dict["NAME"] = db_name
    start.wait()  # a barrier: all processes begin together, once each has set Django up
    try:
        return func(*args)
    finally:
        connections.close_all()


def in_processes(func, per_process_args: list[tuple], *, timeout: float = 600) -> list:
    """Run func(*args) in one process per entry of `per_process_args`, all started together; their results
    in order. Call it from a `django_db(transaction=True)` test so the processes see committed rows."""
    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    start = manager.Barrier(len(per_process_args))
    settings_module = os.environ.get("DJANGO_SETTINGS_MODULE", "tests.settings")
    with context.Pool(len(per_process_args)) as pool:
        pending = [
            pool.apply_async(
                _run,
                (settings_module, connection.settings_dict["NAME"], settings.MEDIA_ROOT, func, args, start),
            )
            for args in per_process_args
        ]
        results = [p.get(timeout=timeout) for p in pending]
    manager.shutdown()
    return results
