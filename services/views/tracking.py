"""Services: the public tracking page (application number + query code, or the receipt's QR code)."""

from django import forms
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from services.selectors.tracking import tracked_view
from township.clients import client_address
from township.documents.models import IssuedDocument
from township.tracking import tracker_for

# Failed lookups per client address per hour: a six-digit code must not be guessable by trying.
MAX_FAILED_LOOKUPS = 20


class TrackingForm(forms.Form):
    number = forms.CharField(label=_("Application or report number"), max_length=30)
    code = forms.CharField(
        label=_("Query code"),
        max_length=8,
        help_text=_("Six digits, printed on your receipt and sent to you by SMS."),
    )


TOO_MANY_LOOKUPS = _("Too many unsuccessful lookups from this device; please try again in an hour.")
NO_MATCH = _("No application matches this number and query code. Check both and try again.")


def _client_key(request) -> str:
    return f"track-failures:{client_address(request)}"


def lookup(request, number: str, code: str):
    """(view, None) for a right number and code, else (None, message); the view is the application's
    cached public view (services.selectors.tracking). Failed lookups are counted per client address, so
    neither this page nor the API can be used to try codes one after another. A wrong code and an
    unknown number take the same path: one cache read (or the same database reads on a miss)."""
    key = _client_key(request)
    view, found = tracked_view(number, key)
    if (found.get(key) or 0) >= MAX_FAILED_LOOKUPS:
        return None, TOO_MANY_LOOKUPS
    if view is None or not view.matches((code or "").strip()):
        cache.add(key, 0, 3600)
        cache.incr(key)
        return None, NO_MATCH
    return view, None


@require_http_methods(["GET", "POST"])
def track(request):
    """The one public tracking page: a number of another loop (a grid report) is shown by that loop's
    registered view on this same address (township.tracking); POST is only for such a loop's actions."""
    other = tracker_for((request.POST if request.method == "POST" else request.GET).get("number", ""))
    if other is not None:
        return other(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    form = TrackingForm(request.GET or None)
    application, error = None, None
    if request.GET and form.is_valid():
        application, error = lookup(request, form.cleaned_data["number"], form.cleaned_data["code"])
    # the template renders the timeline (and caches the rendered view) only when it needs to
    return render(
        request,
        "services/track.html",
        {"form": form, "application": application, "error": error},
        status=404 if error else 200,
    )


@require_GET
def result_pdf(request):
    """The decision's PDF for whoever holds the application's number and query code."""
    form = TrackingForm(request.GET)
    if not form.is_valid():
        raise Http404("no such application")
    application, _error = lookup(request, form.cleaned_data["number"], form.cleaned_data["code"])
    document = None
    if application is not None and application.result_id is not None:
        document = IssuedDocument.objects.filter(pk=application.result_id).first()
    if document is None or not document.pdf:
        raise Http404("no result")
    return FileResponse(
        document.pdf.open("rb"), content_type="application/pdf", filename=f"{document.number}.pdf"
    )
