"""Kernel pages: home, health check, sign-in."""

import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from township.tasks import HEARTBEAT_KEY


def home(request):
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request):
    """Database and broker state for load balancers and the run command; 503 when either is down."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"error: {exc.__class__.__name__}"
    try:
        beat = cache.get(HEARTBEAT_KEY)
        checks["beat_last_seen_seconds"] = None if beat is None else round(time.time() - beat)
    except Exception:  # noqa: BLE001
        checks["beat_last_seen_seconds"] = None
    healthy = checks["database"] == "ok" and checks["broker"] == "ok"
    checks["status"] = "ok" if healthy else "error"
    return JsonResponse(checks, status=200 if healthy else 503)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lockout_minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return context
