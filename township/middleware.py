"""Idle logout: staff sessions end after 30 idle minutes, residents' after two hours (settings)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

SESSION_KEY = "portal_last_activity"


class IdleSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            limit = (
                settings.SESSION_IDLE_TIMEOUT_STAFF
                if hasattr(user, "staff_profile") or user.is_staff
                else settings.SESSION_IDLE_TIMEOUT_RESIDENT
            )
            last = request.session.get(SESSION_KEY)
            if last is not None and now - int(last) > limit:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
            else:
                request.session[SESSION_KEY] = now
        return self.get_response(request)
