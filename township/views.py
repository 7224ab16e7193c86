"""Kernel pages: home, health check, sign-in, display mode, device unlock and the error pages."""

import time

from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseBadRequest, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from kombu import Connection

from township import devices
from township.context_processors import DISPLAY_MODE_COOKIE
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


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def display_mode(request):
    """Switch the elderly-friendly mode (适老化: large text, high contrast) on or off; a cookie keeps it."""
    response = HttpResponseRedirect(_safe_next(request, reverse("home")))
    if request.POST.get("mode") == "elderly":
        response.set_cookie(
            DISPLAY_MODE_COOKIE,
            "elderly",
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(DISPLAY_MODE_COOKIE, samesite="Lax")
    return response


class UnlockForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Your password"), widget=forms.PasswordInput, strip=False)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def unlock_device(request):
    """The clerk takes a locked device (the rating tablet) back by entering their password again."""
    locked = devices.locked_path(request)
    if not locked:
        return redirect("home")
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.user.check_password(form.cleaned_data["password"]):
            devices.unlock_session(request)
            return redirect("home")
        attempts = request.session.get(devices.ATTEMPTS_KEY, 0) + 1
        if attempts >= devices.UNLOCK_ATTEMPTS:
            # Guessing on the tablet ends the session; signing in again goes through the login lockout.
            logout(request)
            return redirect("login")
        request.session[devices.ATTEMPTS_KEY] = attempts
        form.add_error("password", _("That is not the password of the clerk signed in on this device."))
    return render(
        request, "device_unlock.html", {"form": form, "locked": locked}, status=400 if form.errors else 200
    )


def permission_denied(request, exception):
    message = exception.args[0] if exception is not None and exception.args else ""
    context = {"message": message if isinstance(message, str) else str(message)}
    return render(request, "403.html", context, status=403)


def page_not_found(request, exception):
    if request.path.startswith("/api/"):  # the API answers in JSON even for a path no route matches
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def _render_without_context_processors(template_name: str) -> str:
    """Whatever broke the request may break the context processors too: give the page only the name."""
    return loader.get_template(template_name).render({"PORTAL_NAME": settings.PORTAL_NAME})


@requires_csrf_token
def bad_request(request, exception):
    try:
        body = _render_without_context_processors("400.html")
    except Exception:  # noqa: BLE001 - the error page must never fail in turn
        body = "<h1>Bad Request (400)</h1>"
    return HttpResponseBadRequest(body)


@requires_csrf_token
def server_error(request):
    try:
        body = _render_without_context_processors("500.html")
    except Exception:  # noqa: BLE001 - the error page must never fail in turn
        body = "<h1>Server Error (500)</h1>"
    return HttpResponseServerError(body)
