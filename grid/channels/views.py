"""Residents' pages: report a problem (phone width, photo, location from the phone or the village and
address), see "this may already be reported" first, follow a report by number and query code, rate it,
reopen it as not fixed, and answer the "is it fixed?" question."""

import contextlib

from django import forms
from django.contrib import messages
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from grid.channels import intake as channel_intake
from grid.channels import reporter as reporting
from grid.errors import GridEventError
from grid.events.services import NUMBER_SERIES
from grid.models import EventStatus, GridEvent, Satisfaction
from grid.models.channels import EventSource
from township.casework.display import Audience, timeline_rows
from township.casework.numbers import is_number_of
from township.errors import add_to_form
from township.fields import parse_pk
from township.identifiers import mask_phone
from township.org.models import Township, Village

S = EventStatus


class ReportForm(forms.Form):
    township = forms.ModelChoiceField(
        label=gettext_lazy("Township"), queryset=Township.objects.order_by("code")
    )
    category = forms.ChoiceField(label=gettext_lazy("What kind of problem"), choices=())
    description = forms.CharField(
        label=gettext_lazy("What is wrong, and where exactly"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photo = forms.FileField(label=gettext_lazy("Photo"), required=False)
    latitude = forms.CharField(label=gettext_lazy("Latitude"), required=False, max_length=20)
    longitude = forms.CharField(label=gettext_lazy("Longitude"), required=False, max_length=20)
    village = forms.ModelChoiceField(
        label=gettext_lazy("Or choose the village or community"),
        queryset=Village.objects.none(),
        required=False,
    )
    address = forms.CharField(label=gettext_lazy("Address or landmark"), required=False, max_length=256)
    phone = forms.CharField(
        label=gettext_lazy("Mobile number for SMS updates"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("Optional. Never shown to anyone but the staff who handle it, and masked."),
    )
    anonymous = forms.BooleanField(label=gettext_lazy("Report anonymously"), required=False)
    report_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        from grid.events.selectors import categories_for  # noqa: PLC0415 - selectors import the services

        chosen = township or self._chosen_township()
        if chosen is not None:
            self.fields["category"].choices = [("", "—")] + [
                (c.pk, f"{c.major_name} · {c.minor_name}") for c in categories_for(chosen.pk)
            ]
            self.fields["village"].queryset = Village.objects.filter(
                township=chosen, is_active=True
            ).order_by("code")
            self.fields["township"].initial = chosen.pk

    def _chosen_township(self):
        raw = self.data.get("township") if self.is_bound else self.initial.get("township")
        raw = raw or ""
        if str(raw).isascii() and str(raw).isdigit():
            return Township.objects.filter(pk=int(raw)).first()
        return Township.objects.order_by("code").first()


def _location(form) -> tuple[object, object]:
    """The phone's GPS if it gave one; else the chosen village's grid centre (the label point)."""
    lat, lng = form.cleaned_data.get("latitude"), form.cleaned_data.get("longitude")
    if lat and lng:
        return lat, lng
    village = form.cleaned_data.get("village")
    if village is not None:
        grid = village.grids.filter(is_active=True, label_lat__isnull=False).order_by("code").first()
        if grid is not None:
            return grid.label_lat, grid.label_lng
    raise GridEventError(
        _("Say where it is: let the phone find the place, or choose the village or community."),
        field_errors={"village": [_("Choose one, or use the phone's location.")]},
    )


@require_http_methods(["GET", "POST"])
def report(request):
    """A resident reports a problem; before it is sent, open reports nearby of the same kind are shown."""
    township = None
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
    else:
        form = ReportForm(initial={"township": request.GET.get("township", "")})
    nearby, status = [], 200
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        township = values["township"]
        try:
            latitude, longitude = _location(form)
            category = channel_intake.category_of(township, values["category"])
            if not values["report_anyway"]:
                nearby = reporting.open_reports_near(
                    township=township, category=category, latitude=float(latitude), longitude=float(longitude)
                )
            if not nearby:
                user = request.user if request.user.is_authenticated else None
                event = channel_intake.receive_report(
                    township=township,
                    source=EventSource.RESIDENT,
                    category=category,
                    description=values["description"],
                    latitude=latitude,
                    longitude=longitude,
                    address=values["address"],
                    photos=[values["photo"]] if values.get("photo") else [],
                    reporter=user,
                    phone=values["phone"],
                    is_anonymous=values["anonymous"],
                )
                request.session["grid-reported"] = [event.number, event.intake.query_code]
                return redirect("grid-reported")
            form.data = form.data.copy()
            form.data["report_anyway"] = "1"
            status = 200
        except GridEventError as error:
            add_to_form(form, error)
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "grid/channels/report.html", {"form": form, "nearby": nearby}, status=status)


def reported(request):
    number, code = request.session.get("grid-reported") or ("", "")
    return render(request, "grid/channels/reported.html", {"number": number, "code": code})


class SupportForm(forms.Form):
    event = forms.CharField(max_length=40)
    phone = forms.CharField(
        label=gettext_lazy("Mobile number for SMS updates"), required=False, max_length=20
    )


@require_http_methods(["POST"])
def support(request):
    """ "Add mine to it": follow an open report nearby instead of sending a duplicate."""
    form = SupportForm(request.POST)
    event = None
    if form.is_valid():
        event = GridEvent.objects.filter(number=form.cleaned_data["event"].strip()).first()
    if event is None:
        messages.error(request, _("That report no longer exists."))
        return redirect("grid-report-problem")
    try:
        reporting_user = request.user if request.user.is_authenticated else None
        channel_intake.add_support(event=event, user=reporting_user, phone=form.cleaned_data["phone"])
    except GridEventError as error:
        messages.error(request, error.message)
        return redirect("grid-report-problem")
    messages.success(request, _("Thank you: your report was added to %(number)s.") % {"number": event.number})
    return redirect("grid-report-problem")


class TrackForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Report number"), max_length=40)
    code = forms.CharField(label=gettext_lazy("Query code"), max_length=6)


class RateForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you?"), choices=Satisfaction.choices, coerce=int
    )
    note = forms.CharField(label=gettext_lazy("Anything to add"), required=False, max_length=500)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What is still wrong"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


@require_http_methods(["GET", "POST"])
def track(request):
    """Follow a report by its number and query code (whichever road it came by); no personal data."""
    source = request.POST if request.method == "POST" else request.GET
    form = TrackForm(source if source.get("number") else None)
    event, error, rate, reopen, status = None, "", RateForm(prefix="rate"), ReopenForm(prefix="reopen"), 200
    if form.is_bound and form.is_valid():
        event, error = reporting.lookup(request, form.cleaned_data["number"], form.cleaned_data["code"])
        status = 404 if event is None else 200
    if event is not None and request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "rate":
                rate = RateForm(request.POST, prefix="rate")
                if rate.is_valid():
                    reporting.rate_report(event=event, **rate.cleaned_data)
                    messages.success(request, _("Thank you for rating it."))
                    return redirect(_track_url(form))
            elif action == "reopen":
                reopen = ReopenForm(request.POST, prefix="reopen")
                if reopen.is_valid():
                    reporting.reopen_report(event=event, reason=reopen.cleaned_data["reason"])
                    messages.success(request, _("Reopened: it goes back to the unit that handled it."))
                    return redirect(_track_url(form))
            status = 400
        except GridEventError as refusal:
            add_to_form(rate if action == "rate" else reopen, refusal)
            status = 400
    context = {"form": form, "event": event, "error": error, "rate": rate, "reopen": reopen}
    if event is not None:
        event.refresh_from_db()
        window = channel_intake.reopen_window()
        context.update(
            timeline=timeline_rows(event, audience=Audience.PUBLIC),
            may_rate=event.status == S.CLOSED,
            may_reopen=event.status in (S.CLOSED, S.EVALUATED)
            and event.closed_at is not None
            and timezone.now() <= event.closed_at + window,
            anonymous=event.intake.is_anonymous if hasattr(event, "intake") else False,
        )
    return render(request, "grid/channels/track.html", context, status=status)


def is_report_number(number: str) -> bool:
    """Whether a typed number is a grid event's (its series in its format; no query)."""
    return is_number_of(NUMBER_SERIES, number)


@require_http_methods(["GET", "HEAD", "POST"])
def track_moved(request):
    """The old address of report tracking (in SMS already sent): the one tracking page now, with the same
    number and code; a form posted to the old address keeps its method and body (307)."""
    from django.urls import reverse  # noqa: PLC0415 - only here

    url = reverse("services-track")
    if request.GET:
        url = f"{url}?{request.GET.urlencode()}"
    if request.method == "POST":
        return HttpResponseRedirect(url, status=307)
    return HttpResponsePermanentRedirect(url)


def _track_url(form) -> str:
    from django.urls import reverse  # noqa: PLC0415 - only here
    from django.utils.http import urlencode  # noqa: PLC0415

    return f"{reverse('services-track')}?{urlencode({'number': form.cleaned_data['number'], 'code': form.cleaned_data['code']})}"


class FollowUpAnswerForm(forms.Form):
    fixed = forms.TypedChoiceField(
        label=gettext_lazy("Is the problem fixed?"),
        choices=[("1", gettext_lazy("Yes, it is fixed")), ("0", gettext_lazy("No, it is not fixed"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("Anything to add"), required=False, max_length=500)


@require_http_methods(["GET", "POST"])
def follow_up(request, token):
    intake = reporting.EventIntake.objects.select_related("event").filter(follow_up_token=token).first()
    if intake is None:
        return render(request, "grid/channels/follow_up.html", {"invalid": True}, status=404)
    form = FollowUpAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        intake = reporting.answer_follow_up(token=token, **form.cleaned_data)
        if not form.cleaned_data["fixed"]:
            # past the reopen period the answer is only kept, for the command centre
            with contextlib.suppress(GridEventError):
                reporting.reopen_report(
                    event=intake.event, reason=form.cleaned_data["note"] or _("Not fixed (follow-up answer)")
                )
        return render(request, "grid/channels/follow_up.html", {"intake": intake, "done": True})
    return render(
        request,
        "grid/channels/follow_up.html",
        {"intake": intake, "form": form, "phone": mask_phone(intake.reporter_phone)},
        status=400 if request.method == "POST" else 200,
    )


def nearby(request):
    """The "may already be reported" fragment the report form asks for while the resident types."""
    township = Township.objects.filter(pk=parse_pk(request.GET.get("township"))).first()
    found = []
    if township is not None:
        try:
            category = channel_intake.category_of(township, request.GET.get("category"))
            lat, lng = request.GET.get("latitude"), request.GET.get("longitude")
            if not (lat and lng):
                village = Village.objects.filter(
                    township=township, pk=parse_pk(request.GET.get("village"))
                ).first()
                grid = (
                    village.grids.filter(label_lat__isnull=False).order_by("code").first()
                    if village
                    else None
                )
                lat, lng = (grid.label_lat, grid.label_lng) if grid else (None, None)
            if lat is not None and lng is not None:
                found = reporting.open_reports_near(
                    township=township, category=category, latitude=float(lat), longitude=float(lng)
                )
        except (GridEventError, ValueError):
            found = []
    return render(request, "grid/channels/_nearby.html", {"nearby": found})
