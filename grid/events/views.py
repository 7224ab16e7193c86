"""Grid events: pages. The grid member's phone home (my tasks by deadline, report), one event's page with
the steps its viewer may take, the command centre's queue and the department handlers' list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grid.events import forms, selectors, services
from grid.models import EVENT_WORKFLOW, Deferral, DeferralStatus, EventPhoto, GridEvent
from township.casework.clock import remaining
from township.casework.deadlines import open_deadlines
from township.casework.display import Audience, timeline_rows
from township.casework.registry import case_type_of
from township.errors import DomainError, add_to_form
from township.fields import parse_pk
from township.org.models import Department
from township.org.roles import Role, roles_of
from township.paginators import CappedCountPaginator as Paginator

GRID_ROLES = {Role.GRID_MEMBER, Role.GRID_HEAD}
HANDLER_ROLES = {Role.DEPARTMENT_HEAD, Role.APPROVER, Role.ENFORCEMENT_OFFICER, Role.CHIEF_REPRESENTATIVE}


def _require_roles(request, roles) -> None:
    if not request.user.is_superuser and not roles_of(request.user) & roles:
        raise PermissionDenied(_("This page is not for your role."))


def _grids_of(user):
    from grid.models import Grid  # noqa: PLC0415 - the model module imports the services

    return Grid.objects.filter(pk__in=sorted(services.grid_ids_of(user)), is_active=True).order_by("code")


@login_required
@require_GET
def home(request):
    """The grid member's phone home: what is due first, a report button, my recent reports."""
    _require_roles(request, GRID_ROLES)
    now = timezone.now()
    tasks = selectors.my_tasks(request.user)
    for task in tasks:
        task["remaining"] = remaining(task["event"], now) if task["what"] == "handle" else None
    return render(
        request,
        "grid/events/home.html",
        {"tasks": tasks, "reports": selectors.my_reports(request.user), "grids": _grids_of(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request):
    _require_roles(request, GRID_ROLES)
    grids = list(_grids_of(request.user))
    if not grids:
        raise PermissionDenied(_("You are not assigned to a grid."))
    categories = list(selectors.categories_for(grids[0].township_id))
    form = forms.ReportForm(request.POST or None, request.FILES or None, categories=categories, grids=grids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grid = next(g for g in grids if g.pk == parse_pk(data["grid"]))
        category = next((c for c in categories if c.pk == parse_pk(data["category"])), None)
        try:
            event = services.report_event(
                by=request.user,
                grid=grid,
                category=category,
                description=data["description"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                address=data["address"],
                photos=request.FILES.getlist("photos"),
                handled_on_the_spot=data["handled_on_the_spot"],
                after_photos=request.FILES.getlist("after_photos"),
                client_key=data["client_key"],
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Reported as %(number)s.") % {"number": event.number})
            return redirect(f"{event_url(event)}?sent=1")
    return render(request, "grid/events/report.html", {"form": form}, status=400 if form.errors else 200)


def event_url(event) -> str:
    from django.urls import reverse  # noqa: PLC0415 - only here

    return reverse("grid-event", args=[event.pk])


def _visible_event(request, pk) -> GridEvent:
    event = selectors.event_detail(request.user, parse_pk(pk))
    if event is None:
        raise Http404("not in your scope")
    return event


def _departments(event):
    return list(Department.objects.filter(township_id=event.township_id, is_active=True).order_by("code"))


def _forms_for(event, actions, data=None, files=None) -> dict:
    departments = _departments(event) if actions & {"dispatch", "whistle", "force-assign"} else []
    return {
        "register": forms.NoteForm(data, prefix="register"),
        "reject": forms.RejectForm(data, prefix="reject"),
        "dispatch": forms.DispatchForm(data, prefix="dispatch", departments=departments),
        "whistle": forms.WhistleForm(data, prefix="whistle", departments=departments),
        "force-assign": forms.DispatchForm(data, prefix="force", departments=departments),
        "send-back": forms.ReasonForm(data, prefix="back"),
        "accept": forms.NoteForm(data, prefix="accept"),
        "on-site": forms.NoteForm(data, prefix="onsite"),
        "stage": forms.NoteForm(data, prefix="stage"),
        "feed-back": forms.FeedbackForm(data, files, prefix="feedback"),
        "check": forms.CheckForm(data, files, prefix="check"),
        "evaluate": forms.EvaluateForm(data, prefix="evaluate"),
        "defer": forms.DeferralForm(data, prefix="defer"),
        "decide-deferral": forms.DecideDeferralForm(data, prefix="decide"),
        "enforcement-clue": forms.NoteForm(data, prefix="clue"),
    }


def _clue_link(event) -> tuple[str, str] | None:
    """The enforcement case the event became (its number, and its page, which checks its own scope)."""
    if event.clue_id is None or event.clue_type_id is None:
        return None
    clue = event.clue_type.get_all_objects_for_this_type(pk=event.clue_id).first()
    if clue is None:
        return None
    try:
        url = case_type_of(clue).url_for(clue.pk)
    except LookupError:
        url = ""
    return str(getattr(clue, "number", "") or clue), url


def _render_event(request, event, *, bound: dict | None = None, status=200):
    actions = selectors.actions_for(request.user, event)
    step_forms = _forms_for(event, actions)
    if bound:
        step_forms.update(bound)
    now = timezone.now()
    context = {
        "event": event,
        "status_label": EVENT_WORKFLOW.state_label(event.status),
        "actions": actions,
        "forms": {name.replace("-", "_"): form for name, form in step_forms.items()},
        "timeline": timeline_rows(event, audience=Audience.STAFF),
        "deadlines": [(d, remaining(d, now)) for d in open_deadlines(event)],
        "remaining": remaining(event, now) if event.is_clock_running else None,
        "nearby": selectors.nearby_open_events(event) if "reject" in actions else [],
        "pending_deferral": next(
            (d for d in event.deferrals.all() if d.status == DeferralStatus.REQUESTED), None
        ),
        "send_back_until": services.send_back_window_end(event) if "send-back" in actions else None,
        "clue_link": _clue_link(event),
    }
    return render(request, "grid/events/detail.html", context, status=status)


@login_required
@require_GET
def event_detail(request, pk):
    return _render_event(request, _visible_event(request, pk))


def _department_choice(event, raw):
    return Department.objects.filter(township_id=event.township_id, pk=parse_pk(raw)).first()


def _run_step(request, event, action, form):  # noqa: C901, PLR0911, PLR0912 - one branch per step
    data, user = form.cleaned_data, request.user
    note = data.get("note", "")
    if action == "register":
        services.register_event(event=event, by=user, note=note)
    elif action == "reject":
        duplicate = None
        if data["duplicate_of"]:
            duplicate = selectors.events_visible_to(user).filter(pk=parse_pk(data["duplicate_of"])).first()
        services.reject_event(event=event, by=user, reason=data["reason"], duplicate_of=duplicate, note=note)
    elif action == "dispatch":
        services.dispatch_event(
            event=event, by=user, department=_department_choice(event, data["department"]), note=note
        )
    elif action == "whistle":
        chosen = list(
            Department.objects.filter(
                township_id=event.township_id, pk__in=[parse_pk(v) for v in data["departments"]]
            )
        )
        services.whistle_event(
            event=event,
            by=user,
            departments=chosen,
            lead=_department_choice(event, data["lead"]),
            on_site_within=data["on_site_within"],
            on_site_unit=data["on_site_unit"],
            note=note,
        )
    elif action == "force-assign":
        services.force_assign_event(
            event=event, by=user, department=_department_choice(event, data["department"]), note=note
        )
    elif action == "send-back":
        services.send_back_event(event=event, by=user, reason=data["reason"])
    elif action == "accept":
        services.accept_event(event=event, by=user)
    elif action == "on-site":
        services.report_on_site(event=event, by=user, note=note)
    elif action == "stage":
        services.complete_stage(event=event, by=user, note=note)
    elif action == "feed-back":
        services.feed_back_event(
            event=event, by=user, note=note, photos=request.FILES.getlist("feedback-photos")
        )
    elif action == "check":
        services.check_event(
            event=event,
            by=user,
            passed=data["passed"],
            note=note,
            photos=request.FILES.getlist("check-photos"),
        )
    elif action == "evaluate":
        services.evaluate_event(event=event, by=user, satisfaction=data["satisfaction"], note=note)
    elif action == "defer":
        services.request_deferral(event=event, by=user, amount=data["amount"], reason=data["reason"])
    elif action == "decide-deferral":
        deferral = Deferral.objects.filter(event=event, status=DeferralStatus.REQUESTED).first()
        if deferral is None:
            raise services.GridEventError(_("No deferral is waiting for a decision."))
        services.decide_deferral(deferral=deferral, by=user, approve=data["approve"], note=note)
    elif action == "enforcement-clue":
        services.make_enforcement_clue(event=event, by=user, note=note)
    else:
        raise Http404("no such step")


STEP_DONE = {
    "register": _("Registered."),
    "reject": _("Rejected."),
    "dispatch": _("Dispatched."),
    "whistle": _("The whistle is blown: the departments have been told."),
    "force-assign": _("Assigned."),
    "send-back": _("Sent back to the command centre."),
    "accept": _("Signed for."),
    "on-site": _("Reported on site."),
    "stage": _("Stage done; the next stage's limit has started."),
    "feed-back": _("Fed back: waiting for the check."),
    "check": _("Check recorded."),
    "evaluate": _("Thank you for rating the result."),
    "defer": _("Deferral requested."),
    "decide-deferral": _("Decision recorded."),
    "enforcement-clue": _("Passed to the enforcement team as a clue."),
}


@login_required
@require_POST
def event_step(request, pk, action):
    event = _visible_event(request, pk)
    if action not in STEP_DONE:
        raise Http404("no such step")
    form = _forms_for(event, {action}, request.POST, request.FILES)[action]
    if form.is_valid():
        try:
            _run_step(request, event, action, form)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, STEP_DONE[action])
            return redirect(event_url(event))
    return _render_event(request, _visible_event(request, pk), bound={action: form}, status=400)


@login_required
@require_GET
def photo(request, pk):
    photo = EventPhoto.objects.filter(
        pk=parse_pk(pk), event__in=selectors.events_visible_to(request.user)
    ).first()
    if photo is None:
        raise Http404("not in your scope")
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


@login_required
@require_GET
def centre(request):
    """The command centre's queue: reports to register, orders sent back, deferrals, orders in hand."""
    _require_roles(request, {Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN})
    return render(request, "grid/events/centre.html", selectors.centre_queue(request.user))


@login_required
@require_GET
def department(request):
    """The handlers' list: the orders of their department and the whistles it was summoned to."""
    _require_roles(request, HANDLER_ROLES)
    page = Paginator(selectors.department_orders(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "grid/events/department.html", {"page": page, "now": timezone.now()})


@login_required
@require_GET
def event_list(request):
    """All events the user may see, newest first (filtered by state), 50 a page."""
    status = request.GET.get("status", "")
    if status and status not in EVENT_WORKFLOW.states.values:
        status = ""
    page = Paginator(selectors.event_list(request.user, status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "grid/events/list.html",
        {"page": page, "status": status, "statuses": EVENT_WORKFLOW.states.choices},
    )
