"""Request middleware: idle logout (staff after 30 idle minutes, residents after two hours; an htmx
request that finds the session gone leads the whole page to sign-in and back), the guard answering 400 to
input no view can use, and private, no-store caching for personal responses."""

import time
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import FileResponse, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
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


def _has_nul(values) -> bool:
    return any("\x00" in text for text in values)


def bad_request(request, message: str, status: int = 400) -> HttpResponse:
    """A 400 that says what was wrong: JSON for the API, the stand-alone 400 page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(render_to_string("400.html", {"message": message}), status=status)


class BadInputMiddleware:
    """Answer 400, with a message saying what to fix, to input no view can use:

    - a NUL character in the path, the query string, a form field, an uploaded file's name or a JSON
      body. PostgreSQL cannot store NUL in text, so without this every view passing raw input to a
      query (`?q=`, `?number=`) fails with a 500; checking here once covers views that read
      request.GET directly as well as forms (whose fields refuse NUL too) and the API;
    - a multipart body Django cannot parse, most often a file name over its 1 KB part-header limit,
      which would otherwise get a bare "Bad Request"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            carries_nul = self._carries_nul(request)
        except MultiPartParserError:
            return bad_request(
                request,
                _(
                    "The upload could not be read. Most often a file name is too long: rename the file"
                    " to a shorter name (under 100 characters) and upload it again."
                ),
            )
        if carries_nul:
            return bad_request(
                request,
                _("What was sent contains an invalid character (NUL). Remove it and try again."),
            )
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        if _has_nul(request.GET) or _has_nul(v for _key, vs in request.GET.lists() for v in vs):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            post, files = request.POST, request.FILES
            return (
                _has_nul(post)
                or _has_nul(v for _key, vs in post.lists() for v in vs)
                or _has_nul(f.name or "" for _key, fs in files.lists() for f in fs)
            )
        if content_type.endswith("json"):
            # \u0000 is how JSON spells NUL; a raw NUL byte is invalid JSON anyway.
            return b"\\u0000" in request.body.lower() or b"\x00" in request.body
        return False


# What a served file may do if a browser renders it: nothing but show itself (an uploaded HTML or SVG
# must not run script on our origin).
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
# Pages about one person even without a session: tracking by number and code, document verification.
PERSONAL_PATH_PREFIXES = ("/services/hall/", "/services/track/", "/services/files/", "/verify/", "/api/")


class PrivateResponseMiddleware:
    """Every response that can carry personal data is `Cache-Control: private, no-store`, so neither a
    shared proxy nor the browser's disk keeps it: anything for a signed-in user, the hall, tracking,
    verification, the API and every served file (PDFs, uploads). Every served file also gets the file
    CSP, whichever view serves it. Listed before django-csp, so it runs after it on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        is_file = isinstance(response, FileResponse)
        user = getattr(request, "user", None)
        if (
            is_file
            or (user is not None and user.is_authenticated)
            or request.path.startswith(PERSONAL_PATH_PREFIXES)
        ):
            patch_cache_control(response, private=True, no_store=True)
        if is_file:
            response["Content-Security-Policy"] = FILE_CSP
        return response
