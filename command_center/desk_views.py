"""Command centre: the dispatch desk (events and work orders waiting for a unit, acted on from the row with
htmx) and the grid map (our own grid boundaries coloured by open and overdue events)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from command_center import dispatch, grid_map, selectors
from command_center.permissions import require_dashboard, require_desk
from grid.events.kpis import event_kpis, event_kpis_by
from township.errors import DomainError
from township.fields import parse_pk


@login_required
@require_GET
def dispatch_desk(request):
    require_desk(request.user)
    rows = dispatch.desk_rows(request.user)
    return render(
        request,
        "command_center/dispatch.html",
        {
            "rows": rows,
            "departments": dispatch.desk_departments(request.user),
            "events_waiting": sum(1 for r in rows if r.kind == dispatch.EVENT),
            "orders_waiting": sum(1 for r in rows if r.kind == dispatch.ORDER),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def dispatch_act(request):
    """One step from a row of the desk; htmx gets the row back (done, or with the refusal on it)."""
    require_desk(request.user)
    kind = (request.POST.get("kind") or "").strip()
    if kind not in dispatch.KINDS:
        raise Http404("no such kind")
    case = dispatch.desk_case(request.user, kind, request.POST.get("case"))
    if case is None:
        raise Http404("not on your desk")
    action = (request.POST.get("action") or "").strip()[:20]
    error, done, field_errors = "", "", {}
    try:
        done = dispatch.act(user=request.user, kind=kind, case=case, action=action, data=request.POST)
    except DomainError as refusal:
        error = refusal.message
        field_errors = getattr(refusal, "field_errors", None) or {}
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect("command-dispatch")
    row = dispatch.one_row(request.user, kind, case.pk) if error else None
    if row is None:
        case.refresh_from_db()
        row = dispatch.event_row(case) if kind == dispatch.EVENT else dispatch.order_row(case, [])
        row.actions = ()
    row.error, row.done = str(error), str(done)
    row.field_errors = {k: [str(m) for m in v] for k, v in field_errors.items()}
    return render(
        request,
        "command_center/_dispatch_row.html",
        {"row": row, "departments": dispatch.desk_departments(request.user), "now": timezone.now()},
        status=400 if error else 200,
    )


def _map_townships(request):
    require_dashboard(request.user)
    townships = dict(selectors.command_townships(request.user).values_list("pk", "name"))
    raw = (request.GET.get("township") or "").strip()
    chosen = parse_pk(raw) if raw else 0
    if raw and chosen not in townships:
        raise Http404("not one of your townships")
    return ([chosen] if chosen else sorted(townships)), townships


@login_required
@require_GET
def grid_map_page(request):
    """The map and, beside it, this month's published KPIs by grid and by village (grid.events.kpis)."""
    ids, townships = _map_townships(request)
    today = timezone.localdate()
    first = today.replace(day=1)
    data = grid_map.grid_map(ids)
    query = request.GET.urlencode()
    url = reverse("command-grid-map-json")
    return render(
        request,
        "command_center/grid_map.html",
        {
            "data": data,
            "townships": townships,
            "chosen": ids[0] if len(ids) == 1 else None,
            "json_url": f"{url}?{query}" if query else url,
            "first": first,
            "today": today,
            "total": event_kpis(request.user, date_from=first, date_to=today),
            "by_grid": event_kpis_by(request.user, dimension="grid", date_from=first, date_to=today),
            "by_village": event_kpis_by(request.user, dimension="village", date_from=first, date_to=today),
        },
    )


@login_required
@require_GET
def grid_map_json(request):
    """The grids as GeoJSON with open and overdue counts (for echarts.registerMap); scoped."""
    ids, _townships = _map_townships(request)
    data = grid_map.grid_map(ids)
    data["map"] = "grids-" + "-".join(str(i) for i in ids[:5])
    data["labels"] = {
        "none": _("No open event"),
        "open": _("Open events"),
        "overdue": _("Overdue events"),
        "open_n": pgettext("events", "open"),
        "overdue_n": _("overdue"),
    }
    data["generated_at"] = (timezone.localtime() + timedelta(0)).isoformat(timespec="seconds")
    response = JsonResponse(data)
    response["Cache-Control"] = "no-store"
    return response
