"""The portal's URLs plus one page that fails, to show the 500 page (tests only)."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from township.errors import Conflict
from township.urls import urlpatterns as portal_urlpatterns


def broken_page(request):
    raise RuntimeError("a bug")


def refused_page(request):
    raise Conflict("Someone else decided this application a moment ago.")


def suspicious_page(request):
    raise SuspiciousOperation("a file name of 2 KB")


urlpatterns = [
    *portal_urlpatterns,
    path("broken/", broken_page),
    path("suspicious/", suspicious_page),
    path("refused/", refused_page),
]
handler400 = "township.views.bad_request"
handler403 = "township.views.permission_denied"
handler404 = "township.views.page_not_found"
handler500 = "township.views.server_error"
