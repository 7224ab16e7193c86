"""Locked devices: a signed-in session turned into one page's terminal (the rating tablet at a window).

While a session is locked, every other page leads back to that page, so an applicant tapping around on
the tablet cannot reach the clerk's workbench; the clerk leaves by entering their password again."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "portal_device_lock"
UNLOCK_URL_NAME = "device-unlock"
# Wrong passwords allowed before the session is signed out (then the sign-in page and its lockout decide).
UNLOCK_ATTEMPTS = 5
ATTEMPTS_KEY = "portal_device_unlock_attempts"


def lock_session_to(request, url_name: str) -> None:
    """Keep this session on the page `url_name` until the signed-in user unlocks it with their password."""
    path = reverse(url_name)
    if request.session.get(SESSION_KEY) != path:
        request.session[SESSION_KEY] = path
        request.session.pop(ATTEMPTS_KEY, None)


def locked_path(request) -> str | None:
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None


def unlock_session(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(ATTEMPTS_KEY, None)


class LockedDeviceMiddleware:
    """Send every request of a locked session, except for static files and the unlock page, to its page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = locked_path(request)
        if path and request.user.is_authenticated and not self._allowed(request.path, path):
            response = redirect(path)
            if getattr(request, "htmx", False):
                response["HX-Redirect"] = path
            return response
        return self.get_response(request)

    @staticmethod
    def _allowed(requested: str, locked: str) -> bool:
        return (
            requested == locked
            or requested == reverse(UNLOCK_URL_NAME)
            or requested.startswith((settings.STATIC_URL or "/static/", "/jsi18n/"))
        )
