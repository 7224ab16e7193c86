"""Services: the public tracking page (application number + query code, or the receipt's QR code)."""

from django import forms
from django.core.cache import cache
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from services.selectors.applications import public_timeline, tracked_application
from township.clients import client_address

# Failed lookups per client address per hour: a six-digit code must not be guessable by trying.
MAX_FAILED_LOOKUPS = 20


class TrackingForm(forms.Form):
    number = forms.CharField(label=_("Application number"), max_length=30)
    code = forms.CharField(
        label=_("Query code"),
        max_length=8,
        help_text=_("Six digits, printed on your receipt and sent to you by SMS."),
    )


def _client_key(request) -> str:
    return f"track-failures:{client_address(request)}"


def lookup(request, number: str, code: str):
    """(application, None) for a right number and code, else (None, message). Failed lookups are counted
    per client address, so neither this page nor the API can be used to try codes one after another."""
    key = _client_key(request)
    if (cache.get(key) or 0) >= MAX_FAILED_LOOKUPS:
        return None, _("Too many unsuccessful lookups from this device; please try again in an hour.")
    application = tracked_application(number, code)
    if application is None:
        cache.add(key, 0, 3600)
        cache.incr(key)
        return None, _("No application matches this number and query code. Check both and try again.")
    return application, None


@require_GET
def track(request):
    form = TrackingForm(request.GET or None)
    application, timeline, error = None, [], None
    if request.GET and form.is_valid():
        application, error = lookup(request, form.cleaned_data["number"], form.cleaned_data["code"])
        if application is not None:
            timeline = public_timeline(application)
    return render(
        request,
        "services/track.html",
        {"form": form, "application": application, "timeline": timeline, "error": error},
        status=404 if error else 200,
    )


@require_GET
def result_pdf(request):
    """The decision's PDF for whoever holds the application's number and query code."""
    form = TrackingForm(request.GET)
    if not form.is_valid():
        raise Http404("no such application")
    application, _error = lookup(request, form.cleaned_data["number"], form.cleaned_data["code"])
    if application is None or application.result_id is None or not application.result.pdf:
        raise Http404("no result")
    document = application.result
    return FileResponse(
        document.pdf.open("rb"), content_type="application/pdf", filename=f"{document.number}.pdf"
    )
