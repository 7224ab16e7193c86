"""Locked devices: a signed-in session turned into a terminal that cannot leave its pages.

Two kinds: a clerk's session locked to one page (the rating tablet at a window), which the clerk takes back
by entering their password again; and a device account (a self-service terminal), whose every session is
locked at sign-in to its area of pages and can never be unlocked: the account holds no staff role and the
terminal never shows a staff page. While a session is locked, every other page leads back to its home
page, so someone tapping around on the device cannot reach the clerk's workbench or the admin."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "portal_device_lock"
AREA_KEY = "portal_device_area"  # the path prefixes a device account's session may open
UNLOCK_URL_NAME = "device-unlock"
# Wrong passwords allowed before the session is signed out (then the sign-in page and its lockout decide).
UNLOCK_ATTEMPTS = 5
ATTEMPTS_KEY = "portal_device_unlock_attempts"
# Pages every locked device may open: the elderly-friendly display switch (it redirects back).
_ALWAYS_ALLOWED_NAMES = ("display-mode",)


@dataclass(frozen=True)
class DeviceArea:
    """Where a device account lives: its home page and the path prefixes it may open (home included)."""

    home: str
    prefixes: tuple[str, ...]


# Apps tell the kernel which accounts are devices: resolver(user) -> DeviceArea | None.
_resolvers: list[Callable] = []


def register_device_accounts(resolver: Callable) -> None:
    """Register `resolver(user)`, answering a DeviceArea for a device account and None for anyone else.
    Called once per sign-in, not per request. Registering the same function again is harmless."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def device_area_of(user) -> DeviceArea | None:
    for resolver in _resolvers:
        area = resolver(user)
        if area is not None:
            return area
    return None


@receiver(user_logged_in, dispatch_uid="devices.lock-device-accounts")
def _lock_device_account(sender, request, user, **kwargs):
    if request is None or getattr(request, "session", None) is None:
        return
    area = device_area_of(user)
    if area is not None:
        lock_session_to_area(request, area)


def lock_session_to(request, url_name: str) -> None:
    """Keep this session on the page `url_name` until the signed-in user unlocks it with their password."""
    if request.session.get(AREA_KEY):
        return  # a device account's area lock is never narrowed or replaced
    path = reverse(url_name)
    if request.session.get(SESSION_KEY) != path:
        request.session[SESSION_KEY] = path
        request.session.pop(ATTEMPTS_KEY, None)


def lock_session_to_area(request, area: DeviceArea) -> None:
    """Keep this session inside `area` for as long as it lives: there is no unlocking it."""
    request.session[SESSION_KEY] = area.home
    request.session[AREA_KEY] = list(area.prefixes)
    request.session.pop(ATTEMPTS_KEY, None)


def locked_path(request) -> str | None:
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None


def is_device_account_session(request) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(AREA_KEY))


def unlock_session(request) -> bool:
    """Take a clerk's device back; a device account's session stays locked (False)."""
    if is_device_account_session(request):
        return False
    request.session.pop(SESSION_KEY, None)
    request.session.pop(ATTEMPTS_KEY, None)
    return True


class LockedDeviceMiddleware:
    """Send every request of a locked session, except for static files, the display-mode switch and (for
    a clerk's tablet) the unlock page, to its page; a device account's session stays inside its area."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = locked_path(request)
        if path and request.user.is_authenticated and not self._allowed(request, path):
            response = redirect(path)
            if getattr(request, "htmx", False):
                response["HX-Redirect"] = path
            return response
        return self.get_response(request)

    @staticmethod
    def _allowed(request, locked: str) -> bool:
        requested = request.path
        if requested == locked or requested.startswith((settings.STATIC_URL or "/static/", "/jsi18n/")):
            return True
        if requested in {reverse(name) for name in _ALWAYS_ALLOWED_NAMES}:
            return True
        area = request.session.get(AREA_KEY)
        if area:
            return any(requested.startswith(prefix) for prefix in area)
        return requested == reverse(UNLOCK_URL_NAME)
