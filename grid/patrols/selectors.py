"""Daily patrol statistics per member and per grid (ended patrols, local days), in one query each."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from grid.models import Patrol
from township.org.scope import visible_to


def _window(first: date, last: date):
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(first, time.min), zone),
        timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), zone),
    )


def daily_stats(user, *, first: date, last: date, by: str = "member") -> list[dict]:
    """[{day, member or grid, patrols, minutes, distance_m, issues}], newest day first."""
    start, end = _window(first, last)
    key = {
        "member": ["member_id", "member__username", "member__first_name"],
        "grid": ["grid_id", "grid__code", "grid__name"],
    }[by]
    rows = (
        visible_to(Patrol.objects.all(), user)
        .filter(started_at__gte=start, started_at__lt=end, ended_at__isnull=False)
        .annotate(day=TruncDate("started_at", tzinfo=timezone.get_current_timezone()))
        .values("day", *key)
        .annotate(
            patrols=Count("pk"),
            duration=Sum(ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())),
            distance_m=Sum("distance_m"),
            issues=Sum("issues_found"),
        )
        .order_by("-day", *key)
    )
    found = []
    for row in rows:
        row["minutes"] = int(row.pop("duration").total_seconds() // 60) if row.get("duration") else 0
        found.append(row)
    return found
