"""gunicorn settings of the production shape (Dockerfile, docker-compose.yml, tests/kernel/test_production.py).

Threaded workers (gthread): a sync worker is held by an idle keep-alive connection until the timeout, so a
few idle clients starve the others (issue 11, item 6). Override with GUNICORN_CMD_ARGS or WEB_CONCURRENCY.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
# Two processes per core, two threads each: a worker keeps the keep-alive connections it accepted, so with
# one process per core an unlucky spread of a client's connections left one core idle (wrk at 16
# connections swung between 450 and 970 requests a second from run to run); measured in
# tests/bench/test_bench_window.py, docs/benchmarks.md.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("WEB_THREADS", "2"))
keepalive = 5
timeout = 30
graceful_timeout = 20
accesslog = "-"


def post_worker_init(worker):
    """Once Django is loaded in the worker, move everything it loaded out of the collector's sight: a
    full collection then walks only what requests allocate, not the whole loaded project (fewer and
    shorter pauses in the slowest responses)."""
    import gc  # noqa: PLC0415 - gunicorn's hook

    gc.collect()
    gc.freeze()
