"""The grid head's overview: their grids (staff, base data, open visits) and members' work this week."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from grid.base.selectors import base_counts, grids_for
from grid.base.views import count_list, require_grid_role
from grid.models import GridStaff, VisitStatus, VisitTask
from grid.patrols.selectors import daily_stats
from township.org.roles import Role
from township.org.scope import visible_to


@login_required
@require_GET
def overview(request):
    require_grid_role(request, {Role.GRID_HEAD, Role.TOWNSHIP_ADMIN, Role.COMMAND_CENTRE})
    grids = list(
        grids_for(request.user).prefetch_related(
            Prefetch("staff", queryset=GridStaff.objects.select_related("user").order_by("role", "user_id"))
        )[:300]
    )
    ids = [g.pk for g in grids]
    counts = base_counts(request.user, ids)
    open_visits = dict(
        visible_to(VisitTask.objects.filter(grid_id__in=ids, status=VisitStatus.OPEN), request.user)
        .values_list("grid_id")
        .annotate(n=Count("pk"))
        .values_list("grid_id", "n")
    )
    today = timezone.localdate()
    members = daily_stats(request.user, first=today - timedelta(days=6), last=today)
    return render(
        request,
        "grid/base/overview.html",
        {
            "rows": [
                {
                    "grid": g,
                    "counts": count_list(counts.get(g.pk, {})),
                    "open_visits": open_visits.get(g.pk, 0),
                }
                for g in grids
            ],
            "members": members,
        },
    )
