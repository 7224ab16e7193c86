"""Services: queue pages: the kiosk (walk-in tickets and appointment check-in), the hall display, the
clerk's queue panel on the workbench, and the waiting statistics."""

from datetime import timedelta
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from services.models import QueueTicket
from services.selectors.catalog import default_township, township_by_code
from services.selectors.queue import people_ahead, queue_statistics, recently_called, waiting_tickets
from services.services.queue import (
    QueueError,
    call_next_ticket,
    check_in_by_phone,
    current_ticket,
    finish_ticket,
    issue_walk_in_ticket,
    recall_ticket,
    skip_ticket,
    transfer_ticket,
)
from township.clients import client_address
from township.fields import ReportDateField, parse_pk
from township.identifiers import PhoneField
from township.org.models import ServiceWindow
from township.org.roles import Role, roles_of

STATS_ROLES = {
    Role.WINDOW_CLERK,
    Role.TOWNSHIP_ADMIN,
    Role.COUNTY_ADMIN,
    Role.COMMAND_CENTRE,
    Role.DEPARTMENT_HEAD,
}


def _hall(request):
    code = request.GET.get("township") or request.POST.get("township") or ""
    township = township_by_code(code) if code else default_township()
    if township is None:
        raise Http404("unknown township")
    return township


class TicketForm(forms.Form):
    phone = PhoneField(
        label=gettext_lazy("Mobile phone (optional: we text you when it is your turn)"), required=False
    )


class CheckInForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Mobile number you booked with"), max_length=20)


# The kiosk page needs no sign-in, so tickets are limited: per client address an hour (the hall's own
# kiosk devices, settings.KIOSK_ADDRESSES, are exempt) and per phone a day.
TICKETS_PER_ADDRESS_PER_HOUR = 10
TICKETS_PER_PHONE_PER_DAY = 3


def _ticket_limit_error(request, phone: str) -> str | None:
    address = client_address(request)
    if address not in settings.KIOSK_ADDRESSES and (
        (cache.get(f"kiosk-address:{address}") or 0) >= TICKETS_PER_ADDRESS_PER_HOUR
    ):
        return _("Too many tickets were taken from this device; please take one at the hall's kiosk.")
    if phone and (cache.get(f"kiosk-phone:{phone}") or 0) >= TICKETS_PER_PHONE_PER_DAY:
        return _("This phone number already has enough tickets today; please ask at the front desk.")
    return None


def _count_ticket(request, phone: str) -> None:
    for key, timeout in ((f"kiosk-address:{client_address(request)}", 3600), (f"kiosk-phone:{phone}", 86400)):
        if key.endswith(":"):
            continue
        cache.add(key, 0, timeout)
        cache.incr(key)


@require_http_methods(["GET", "POST"])
def kiosk(request):
    township = _hall(request)
    form, checkin = TicketForm(), CheckInForm()
    if request.method == "POST":
        form = TicketForm(request.POST)
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            error = _ticket_limit_error(request, phone)
            if error:
                form.add_error(None, error)
            else:
                try:
                    ticket = issue_walk_in_ticket(township=township, phone=phone)
                except QueueError as error:
                    form.add_error("phone", str(error))
                else:
                    _count_ticket(request, phone)
                    return redirect("services-kiosk-ticket", pk=ticket.pk)
    return render(
        request,
        "services/queue/kiosk.html",
        {
            "township": township,
            "form": form,
            "checkin": checkin,
            "waiting": waiting_tickets(township).count(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def checkin(request):
    township = _hall(request)
    checkin = CheckInForm(request.POST)
    if checkin.is_valid():
        try:
            ticket = check_in_by_phone(township=township, phone=checkin.cleaned_data["phone"])
        except QueueError as error:
            checkin.add_error("phone", str(error))
        else:
            return redirect("services-kiosk-ticket", pk=ticket.pk)
    return render(
        request,
        "services/queue/kiosk.html",
        {
            "township": township,
            "form": TicketForm(),
            "checkin": checkin,
            "waiting": waiting_tickets(township).count(),
        },
        status=400,
    )


@require_GET
def kiosk_ticket(request, pk):
    # Only tickets issued today are shown, and they carry no personal data.
    ticket = get_object_or_404(
        QueueTicket.objects.select_related("township"), pk=pk, service_date=timezone.localdate()
    )
    return render(
        request,
        "services/queue/ticket.html",
        {"ticket": ticket, "ahead": people_ahead(ticket), "township": ticket.township},
    )


@require_GET
def display(request):
    township = _hall(request)
    context = {
        "township": township,
        "called": recently_called(township),
        "waiting": waiting_tickets(township).count(),
        "now": timezone.localtime(),
    }
    template = "services/queue/_display_board.html" if request.htmx else "services/queue/display.html"
    return render(request, template, context)


def clerk_only(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if Role.WINDOW_CLERK not in roles_of(request.user):
            raise PermissionDenied(_("Only window clerks call tickets."))
        return view(request, *args, **kwargs)

    return wrapper


def queue_panel_context(request, *, error=None) -> dict:
    profile = getattr(request.user, "staff_profile", None)
    window = getattr(profile, "window", None)
    panel = {"window": window, "error": error, "ticket": None, "waiting": 0, "windows": []}
    if window is not None:
        panel["ticket"] = current_ticket(window)
        panel["waiting"] = waiting_tickets(window.township).count()
        panel["windows"] = ServiceWindow.objects.filter(township_id=window.township_id, is_open=True).exclude(
            pk=window.pk
        )
    return {"panel": panel}


def _panel(request, error=None):
    return render(request, "services/queue/_workbench_panel.html", queue_panel_context(request, error=error))


@clerk_only
@require_GET
def panel(request):
    return _panel(request)


def _action(function):
    @clerk_only
    @require_POST
    @wraps(function)
    def view(request):
        try:
            function(request)
        except QueueError as error:
            return _panel(request, error=str(error))
        return _panel(request)

    return view


def _ticket_id(request) -> int:
    raw = request.POST.get("ticket", "")
    return parse_pk(raw)


@_action
def call_next(request):
    if call_next_ticket(clerk=request.user) is None:
        raise QueueError(_("Nobody is waiting."))


@_action
def recall(request):
    recall_ticket(ticket_id=_ticket_id(request), clerk=request.user)


@_action
def skip(request):
    skip_ticket(ticket_id=_ticket_id(request), clerk=request.user)


@_action
def finish(request):
    finish_ticket(ticket_id=_ticket_id(request), clerk=request.user)


@_action
def transfer(request):
    raw = request.POST.get("to_window", "")
    window = ServiceWindow.objects.filter(pk=parse_pk(raw)).first()
    if window is None:
        raise QueueError(_("Choose an open window of this hall."))
    transfer_ticket(ticket_id=_ticket_id(request), clerk=request.user, to_window=window)


class StatsForm(forms.Form):
    date_from = ReportDateField(label=gettext_lazy("From"), required=False)
    date_to = ReportDateField(label=gettext_lazy("To"), required=False)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["date_to"] = data.get("date_to") or today
        data["date_from"] = data.get("date_from") or data["date_to"] - timedelta(days=6)
        if data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (data["date_to"] - data["date_from"]).days > 366:
            raise forms.ValidationError(_("Choose at most one year."))
        return data


@login_required
@require_GET
def stats(request):
    profile = getattr(request.user, "staff_profile", None)
    if not (roles_of(request.user) & STATS_ROLES) or profile is None or profile.township_id is None:
        raise PermissionDenied(_("Queue statistics are for the township's staff."))
    form = StatsForm(request.GET)
    figures = None
    if form.is_valid():
        figures = queue_statistics(
            profile.township, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        )
    return render(
        request,
        "services/queue/stats.html",
        {"form": form, "figures": figures, "township": profile.township},
        status=200 if figures is not None else 400,
    )
