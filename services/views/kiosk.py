"""Services: the self-service terminal 自助终端. Signed in with a terminal account, whose sessions
township.devices keeps on these pages: find an item and read its guide, track an application, print its
receipt, a ready result's verification slip or a proof of application, and take a queue ticket. Large
buttons for touch screens; the elderly-friendly mode is one tap away."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from services.errors import IntakeError, TerminalTrackingError
from services.models import Application
from services.selectors.applications import public_timeline
from services.selectors.catalog import item_guide
from services.selectors.search import search_items
from services.services.terminal import (
    REPRINT_WINDOW,
    may_print_result,
    print_application_proof,
    print_result_slip,
    printable_item_ids,
    terminal_of,
)
from services.services.terminal_tracking import (
    applications_for_code,
    clean_id_number,
    request_tracking_code,
)
from services.views.tracking import TrackingForm, lookup
from township.documents.models import IssuedDocument

# How long a printed document stays downloadable on the terminal that printed it.
DOWNLOAD_WINDOW = REPRINT_WINDOW * 10


def terminal_required(view):
    @never_cache
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        terminal = terminal_of(request.user)
        if terminal is None:
            raise PermissionDenied(_("These pages are for the self-service terminals."))
        request.terminal = terminal
        return view(request, *args, **kwargs)

    return wrapper


def _render(request, template, context=None, status=200):
    return render(request, template, {"terminal": request.terminal, **(context or {})}, status=status)


@terminal_required
@require_GET
def home(request):
    return _render(request, "services/kiosk/home.html")


@terminal_required
@require_GET
def search(request):
    query = request.GET.get("q", "")[:100]
    items = search_items(township=request.terminal.township, query=query, limit=12) if query else []
    return _render(request, "services/kiosk/search.html", {"query": query, "items": items})


@terminal_required
@require_GET
def guide(request, code):
    item = item_guide(code)
    if item is None or item.township_id != request.terminal.township_id:
        raise Http404("no published guide here")
    version = item.current_version
    return _render(
        request,
        "services/kiosk/guide.html",
        {"item": item, "version": version, "materials": list(version.materials.all())},
    )


def _tracked(request, data):
    """(form, application, error) for a number and query code typed on the terminal."""
    form = TrackingForm(data or None)
    if not data or not form.is_valid():
        return form, None, None
    tracked, error = lookup(request, form.cleaned_data["number"], form.cleaned_data["code"])
    application = None
    if tracked is not None and tracked.township_id != request.terminal.township_id:
        error = _("This application belongs to another township's service hall.")
    elif tracked is not None:
        # the terminal prints from the application itself, not from the cached public view
        application = Application.objects.select_related("township").get(pk=tracked.pk)
    return form, application, error


@terminal_required
@require_GET
def track(request):
    form, application, error = _tracked(request, request.GET)
    context = {"form": form, "application": application, "error": error}
    if application is not None:
        context["timeline"] = public_timeline(application)
        context["may_print_result"] = may_print_result(request.terminal, application)
    return _render(request, "services/kiosk/track.html", context, status=404 if error else 200)


def _valid_id(id_number: str) -> bool:
    try:
        clean_id_number(id_number)
    except TerminalTrackingError:
        return False
    return True


@terminal_required
@require_http_methods(["GET", "POST"])
def track_by_id(request):
    """Track by identity number: step one asks for a code to the phone on the applications, step two
    lists them for the right code. The page answers the same whether or not applications exist, and
    nothing is kept in the session: the next person at the machine starts afresh."""
    context = {"step": "id", "id_number": "", "error": None}
    status = 200
    if request.method == "POST":
        step = request.POST.get("step", "")
        id_number = request.POST.get("id_number", "")[:30].replace("\x00", "")
        context["id_number"] = id_number
        try:
            if step == "send":
                request_tracking_code(terminal=request.terminal, id_number=id_number)
                context["step"] = "code"
            elif step == "verify":
                context["step"] = "code"
                code = request.POST.get("code", "")[:8]
                listed = printable_item_ids(request.terminal)
                context["applications"] = [
                    (application, may_print_result(request.terminal, application, listed))
                    for application in applications_for_code(
                        terminal=request.terminal, id_number=id_number, code=code
                    )
                ]
                context["step"] = "list"
            else:
                raise Http404("unknown step")
        except TerminalTrackingError as refusal:
            context["error"] = refusal.message
            status = 400
            if step == "send" and _valid_id(id_number):
                context["step"] = "code"  # a code was sent a moment ago: type that one
    return _render(request, "services/kiosk/track_id.html", context, status=status)


@terminal_required
@require_POST
def print_document(request, kind):
    """Print (issue) a slip or a proof for the application whose number and code were typed."""
    form, application, error = _tracked(request, request.POST)
    if application is None:
        return _render(
            request,
            "services/kiosk/track.html",
            {"form": form, "error": error or _("Enter the application number and query code.")},
            status=404,
        )
    try:
        if kind == "result-slip":
            document = print_result_slip(terminal=request.terminal, application=application)
        elif kind == "proof":
            document = print_application_proof(terminal=request.terminal, application=application)
        elif kind == "receipt" and application.receipt_id:
            document = application.receipt
        else:
            raise Http404("nothing to print")
    except IntakeError as refusal:
        return _render(
            request,
            "services/kiosk/track.html",
            {
                "form": form,
                "application": application,
                "timeline": public_timeline(application),
                "error": refusal.message,
            },
            status=400,
        )
    request.session["terminal_prints"] = [
        *request.session.get("terminal_prints", [])[-9:],
        [document.pk, timezone.now().timestamp()],
    ]
    return redirect("services-terminal-printed", number=document.number)


@terminal_required
@require_GET
def printed(request, number):
    """The page of a document just printed: the printer takes its PDF; a QR code verifies it."""
    document = _printed_document(request, number)
    return _render(request, "services/kiosk/printed.html", {"document": document})


@terminal_required
@require_GET
def printed_pdf(request, number):
    document = _printed_document(request, number)
    return FileResponse(
        document.pdf.open("rb"), content_type="application/pdf", filename=f"{document.number}.pdf"
    )


def _printed_document(request, number):
    """Only what this terminal's session printed in the last minutes: a terminal is no document archive."""
    since = (timezone.now() - DOWNLOAD_WINDOW).timestamp()
    allowed = [pk for pk, at in request.session.get("terminal_prints", []) if at >= since]
    document = IssuedDocument.objects.filter(pk__in=allowed, number=number[:40]).first() if allowed else None
    if document is None or not document.pdf:
        raise Http404("no such print")
    return document
