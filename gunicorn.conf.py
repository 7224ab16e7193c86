"""gunicorn settings of the production shape (Dockerfile, docker-compose.yml, tests/kernel/test_production.py).

Threaded workers (gthread): a sync worker is held by an idle keep-alive connection until the timeout, so a
few idle clients starve the others (issue 11, item 6). Override with GUNICORN_CMD_ARGS or WEB_CONCURRENCY.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 5
timeout = 30
graceful_timeout = 20
accesslog = "-"
