"""The patrol page: start in one of my grids, end with what was found; my patrols of the last week."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grid.base.forms import PatrolEndForm
from grid.base.selectors import grids_for
from grid.base.views import require_grid_role
from grid.models import Patrol
from grid.patrols.selectors import daily_stats
from grid.patrols.services import end_patrol, start_patrol
from township.errors import DomainError, add_to_form
from township.fields import parse_pk
from township.org.roles import Role


@login_required
@require_http_methods(["GET", "POST"])
def patrol(request):
    require_grid_role(request, {Role.GRID_MEMBER, Role.GRID_HEAD})
    grids = list(grids_for(request.user)[:100])
    under_way = (
        Patrol.objects.filter(member=request.user, ended_at__isnull=True).select_related("grid").first()
    )
    form = PatrolEndForm(request.POST if request.POST.get("action") == "end" else None)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "start":
                grid = next((g for g in grids if g.pk == parse_pk(request.POST.get("grid"))), None)
                if grid is None:
                    error = _("Choose one of your grids.")
                else:
                    start_patrol(grid=grid, by=request.user, request=request)
                    messages.success(request, _("Patrol started."))
                    return redirect("grid-patrol")
            elif request.POST.get("action") == "end" and under_way is not None and form.is_valid():
                end_patrol(under_way, by=request.user, request=request, **form.cleaned_data)
                messages.success(request, _("Patrol ended."))
                return redirect("grid-patrol")
        except DomainError as refused:
            add_to_form(form, refused)
    today = timezone.localdate()
    mine = [
        r
        for r in daily_stats(request.user, first=today - timedelta(days=6), last=today)
        if r["member_id"] == request.user.pk
    ]
    return render(
        request,
        "grid/base/patrol.html",
        {"grids": grids, "under_way": under_way, "form": form, "error": error, "stats": mine},
    )
