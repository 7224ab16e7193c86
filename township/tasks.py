"""Kernel tasks: a ping that proves a worker runs tasks, and beat's heartbeat for /healthz."""

import socket
import time

from celery import shared_task
from django.core.cache import cache

HEARTBEAT_KEY = "beat-heartbeat"


@shared_task(name="township.tasks.ping")
def ping(token: str) -> dict:
    return {"token": token, "worker": socket.gethostname(), "at": time.time()}


@shared_task(name="township.tasks.heartbeat")
def heartbeat() -> float:
    now = time.time()
    cache.set(HEARTBEAT_KEY, now, timeout=15 * 60)
    return now
