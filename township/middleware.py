"""Idle logout: staff sessions end after 30 idle minutes, residents' after two hours (settings); an htmx
request that finds the session gone leads the whole page to sign-in, and back, instead of drawing the
sign-in page inside a fragment."""

import time
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

SESSION_KEY = "portal_last_activity"


def idle_limit(user) -> int:
    """Seconds of inactivity after which this user's session ends."""
    if hasattr(user, "staff_profile") or user.is_staff:
        return settings.SESSION_IDLE_TIMEOUT_STAFF
    return settings.SESSION_IDLE_TIMEOUT_RESIDENT


class IdleSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            limit = idle_limit(user)
            last = request.session.get(SESSION_KEY)
            if last is not None and now - int(last) > limit:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
            else:
                request.session[SESSION_KEY] = now
                # Pages hand this to static/js/idle.js (data-idle-timeout) to warn before it runs out.
                request.idle_timeout = limit
        response = self.get_response(request)
        if request.headers.get("HX-Request") == "true":
            response = _sign_in_whole_page(request, response)
        return response


def _sign_in_whole_page(request, response):
    """A sign-in redirect answering an htmx request becomes 401 + HX-Redirect to the sign-in page, whose
    `next` is the page the user was on (HX-Current-URL), not the fragment's URL."""
    if response.status_code not in (301, 302, 303, 307, 308) or not response.has_header("Location"):
        return response
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    target = query.get("next", [""])[0]
    if not target or urlsplit(target).path != request.path:
        return response  # an ordinary redirect, not a sign-in that would come back here
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    page = current.path + (f"?{current.query}" if current.query else "")
    if not page or not url_has_allowed_host_and_scheme(
        request.headers.get("HX-Current-URL", ""), allowed_hosts={request.get_host()}
    ):
        page = "/"
    query["next"] = [page]
    sign_in = location._replace(query=urlencode(query, doseq=True)).geturl()
    refused = HttpResponse(_("Your session has ended; please sign in again."), status=401)
    refused["HX-Redirect"] = sign_in
    return refused
