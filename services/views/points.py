"""Services: pages of the window network: forwarded papers and hand-over lists (village point and hall),
home visits (the list, the request, and the agent's phone-width page at the resident's door), and the
statistics per service point for the township and the command centre."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from services.errors import IntakeError
from services.forms import checklist_from_post
from services.models import Application, ConsentMethod, Handover, PointStaff, ServiceItem, VisitReason
from services.selectors.points import (
    handovers_awaiting_receipt,
    home_visits_visible_to,
    open_home_visits,
    point_statistics,
    recent_handovers,
)
from services.services.checklist import checklist_lines
from services.services.forwarding import awaiting_handover, receive_handover, send_handover
from services.services.home_visits import (
    VISIT_ROLES,
    cancel_home_visit,
    request_home_visit,
    schedule_home_visit,
    take_application_at_home,
)
from services.services.points import point_of, village_point_of
from services.views.queue import STATS_ROLES, StatsForm
from services.views.workbench import clerk_required
from township.errors import add_to_form
from township.fields import parse_pk
from township.identifiers import PhoneField
from township.org.models import person_name
from township.org.roles import has_role, roles_of

# --- forwarded papers and hand-over lists --------------------------------------------------------------


@clerk_required
@require_GET
def handovers(request):
    """At a village point: forwarded applications whose papers are still here, and sending them. At the
    hall: the lists on their way, to sign for when the papers arrive."""
    point = village_point_of(request.user)
    context = {"point": point, "recent": recent_handovers(request.user)}
    if point is not None:
        context["waiting"] = list(awaiting_handover(point))
    else:
        context["arriving"] = list(handovers_awaiting_receipt(request.user))
    return render(request, "services/points/handovers.html", context)


@clerk_required
@require_POST
def handover_send(request):
    point = village_point_of(request.user)
    if point is None:
        raise PermissionDenied(_("Only a village service point sends hand-over lists."))
    try:
        handover = send_handover(point=point, clerk=request.user)
    except IntakeError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Hand-over list %(number)s is ready to print.") % {"number": handover.document.number}
        )
    return redirect("services-handovers")


def _handover(request, pk):
    return get_object_or_404(
        Handover.objects.visible_to(request.user).select_related("document"), pk=parse_pk(pk)
    )


@clerk_required
@require_POST
def handover_receive(request, pk):
    handover = _handover(request, pk)
    try:
        receive_handover(handover=handover, clerk=request.user)
    except IntakeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Papers of %(number)s signed for.") % {"number": handover})
    return redirect("services-handovers")


@clerk_required
@require_GET
def handover_pdf(request, pk):
    handover = _handover(request, pk)
    if handover.document_id is None or not handover.document.pdf:
        raise Http404("no document")
    document = handover.document
    return FileResponse(
        document.pdf.open("rb"), content_type="application/pdf", filename=f"{document.number}.pdf"
    )


# --- home visits ---------------------------------------------------------------------------------------


def visit_staff_required(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        profile = getattr(request.user, "staff_profile", None)
        if not has_role(request.user, *VISIT_ROLES) or profile is None or profile.township_id is None:
            raise PermissionDenied(_("Home visits are for the staff of the service points."))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


class VisitRequestForm(forms.Form):
    item = forms.CharField(label=gettext_lazy("Service item (implementation code)"), max_length=40)
    resident_name = forms.CharField(label=gettext_lazy("Resident's name"), max_length=60)
    resident_id_number = forms.CharField(label=gettext_lazy("Resident's identity number"), max_length=18)
    resident_phone = PhoneField(label=gettext_lazy("Phone"))
    address = forms.CharField(label=gettext_lazy("Address to visit"), max_length=200)
    reason = forms.ChoiceField(
        label=gettext_lazy("Why the resident cannot come"), choices=VisitReason.choices
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


class ScheduleForm(forms.Form):
    agent_choice = forms.TypedChoiceField(label=gettext_lazy("Visiting staff member"), coerce=int)
    scheduled_for = forms.DateTimeField(
        label=gettext_lazy("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, team=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent_choice"].choices = [(u.pk, person_name(u)) for u in team]


class TakeForm(forms.Form):
    consent_method = forms.ChoiceField(
        label=gettext_lazy("How the resident agreed"), choices=[("", "—"), *ConsentMethod.choices]
    )
    consent_note = forms.CharField(
        label=gettext_lazy("Consent note (who signed, who was present)"), max_length=200, required=False
    )


def _team(point):
    user_ids = PointStaff.objects.filter(point=point).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


@visit_staff_required
@require_http_methods(["GET", "POST"])
def home_visits(request):
    """The point's open home visits (a grid member: the ones given to them), and a request form."""
    point = point_of(request.user)
    form = VisitRequestForm(request.POST or None)
    if request.method == "POST":
        if point is None:
            raise PermissionDenied(_("Only staff of a service point record home-visit requests."))
        if form.is_valid():
            item = ServiceItem.objects.filter(
                township=point.township, implementation_code=form.cleaned_data["item"].strip()
            ).first()
            if item is None:
                form.add_error("item", _("No service item with this code in this township."))
            else:
                try:
                    visit = request_home_visit(
                        point=point,
                        item=item,
                        by=request.user,
                        **{
                            k: form.cleaned_data[k]
                            for k in (
                                "resident_name",
                                "resident_id_number",
                                "resident_phone",
                                "address",
                                "reason",
                                "note",
                            )
                        },
                    )
                except IntakeError as error:
                    add_to_form(form, error)
                else:
                    messages.success(request, _("Home visit %(number)s recorded.") % {"number": visit.number})
                    return redirect("services-home-visit", pk=visit.pk)
    visits = open_home_visits(request.user)
    # the point's staff see the point's visits; anyone else (a grid member of no point) their own
    visits = visits.filter(point=point) if point is not None else visits.filter(assigned_to=request.user)
    return render(
        request,
        "services/points/home_visits.html",
        {"point": point, "form": form, "visits": visits[:200]},
        status=400 if form.errors else 200,
    )


@visit_staff_required
@require_http_methods(["GET", "POST"])
def home_visit(request, pk):
    """One visit: schedule it (point staff) or, for the visiting agent, take the application at the door."""
    visit = get_object_or_404(home_visits_visible_to(request.user), pk=parse_pk(pk))
    team = _team(visit.point)
    schedule = ScheduleForm(team=team)
    take = TakeForm()
    probe = Application(item=visit.item, item_version=visit.item.current_version)
    lines = checklist_lines(probe, {})
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "schedule":
                schedule = ScheduleForm(request.POST, team=team)
                if schedule.is_valid():
                    agent = next(u for u in team if u.pk == schedule.cleaned_data["agent_choice"])
                    schedule_home_visit(
                        visit=visit, by=request.user, agent=agent, when=schedule.cleaned_data["scheduled_for"]
                    )
                    return redirect("services-home-visit", pk=visit.pk)
            elif step == "take":
                take = TakeForm(request.POST)
                lines = checklist_lines(probe, checklist_from_post(request.POST, lines))
                if take.is_valid():
                    application = take_application_at_home(
                        visit=visit,
                        agent=request.user,
                        checklist=checklist_from_post(request.POST, lines),
                        consent_method=take.cleaned_data["consent_method"],
                        consent_note=take.cleaned_data["consent_note"],
                    )
                    messages.success(
                        request, _("Application %(number)s taken.") % {"number": application.number}
                    )
                    return redirect("services-home-visit", pk=visit.pk)
            elif step == "cancel":
                cancel_home_visit(visit=visit, by=request.user, reason=request.POST.get("reason", "")[:300])
                return redirect("services-home-visit", pk=visit.pk)
            else:
                raise Http404("unknown step")
        except IntakeError as error:
            add_to_form(take if step == "take" else schedule, error)
        status = 400
    return render(
        request,
        "services/points/home_visit.html",
        {
            "visit": visit,
            "schedule": schedule,
            "take": take,
            "lines": lines,
            "is_agent": visit.assigned_to_id == request.user.pk,
        },
        status=status,
    )


# --- statistics ----------------------------------------------------------------------------------------


@login_required
@require_GET
def point_stats(request):
    profile = getattr(request.user, "staff_profile", None)
    if not (roles_of(request.user) & STATS_ROLES) or profile is None or profile.township_id is None:
        raise PermissionDenied(_("Service point statistics are for the township's staff."))
    form = StatsForm(request.GET)
    figures = None
    if form.is_valid():
        zone = timezone.get_current_timezone()
        since = datetime.combine(form.cleaned_data["date_from"], time.min, tzinfo=zone)
        until = datetime.combine(form.cleaned_data["date_to"] + timedelta(days=1), time.min, tzinfo=zone)
        figures = point_statistics(profile.township, since=since, until=until)
    return render(
        request,
        "services/points/stats.html",
        {"form": form, "figures": figures, "township": profile.township},
        status=200 if figures is not None else 400,
    )
