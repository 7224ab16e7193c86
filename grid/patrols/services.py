"""Patrols: a grid member starts one in one of their grids, may add track points, and ends it with what
was found. Starting twice returns the patrol under way (a retry); ending twice is refused."""

from __future__ import annotations

import math
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.base.services import audit_rows, may_edit_grid
from grid.errors import GridError
from grid.models import Patrol
from township.casework.workflow import lock
from township.errors import Conflict

MAX_TRACK_POINTS = 5000
EARTH_RADIUS_M = 6_371_000


def clean_points(points) -> list[list]:
    """[[lng, lat, "ISO time"?], ...] checked: WGS-84 numbers in China's range."""
    if points in (None, ""):
        return []
    if not isinstance(points, list) or len(points) > MAX_TRACK_POINTS:
        raise GridError(
            _("Track points must be a list of at most %(n)d [longitude, latitude] pairs.")
            % {"n": MAX_TRACK_POINTS}
        )
    cleaned = []
    for point in points:
        if not isinstance(point, list | tuple) or len(point) < 2:
            raise GridError(_("Each track point is [longitude, latitude]."))
        lng, lat = point[0], point[1]
        if not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in (lng, lat)
        ):
            raise GridError(_("Each track point is [longitude, latitude]."))
        if not (70 <= lng <= 140 and 0 <= lat <= 56):
            raise GridError(_("A track point is not a WGS-84 longitude/latitude in China."))
        stamp = str(point[2])[:32] if len(point) > 2 and point[2] is not None else ""
        cleaned.append([round(float(lng), 7), round(float(lat), 7), stamp])
    return cleaned


def track_length(points) -> int:
    """Metres along the track (haversine)."""
    total = 0.0
    for (lng1, lat1, *_a), (lng2, lat2, *_b) in zip(points, points[1:], strict=False):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dp, dl = p2 - p1, math.radians(lng2 - lng1)
        h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        total += 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
    return int(round(total))


def start_patrol(*, grid, by, at: datetime | None = None, request=None) -> Patrol:
    if not may_edit_grid(by, grid):
        raise GridError(_("You can only patrol your own grids."))
    under_way = Patrol.objects.filter(member=by, ended_at__isnull=True).first()
    if under_way is not None:
        return under_way
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(
                township_id=grid.township_id, grid=grid, member=by, started_at=at or timezone.now()
            )
            audit_rows(by=by, request=request, action="grid.patrol.start", rows=[(patrol, "")])
    except IntegrityError:
        return Patrol.objects.get(member=by, ended_at__isnull=True)
    return patrol


def add_points(patrol: Patrol, *, by, points) -> Patrol:
    points = clean_points(points)
    with transaction.atomic():
        patrol = lock(patrol)
        if patrol.member_id != by.pk:
            raise GridError(_("This is not your patrol."))
        if patrol.ended_at is not None:
            raise Conflict(_("This patrol has ended."))
        if len(patrol.track) + len(points) > MAX_TRACK_POINTS:
            raise GridError(_("A patrol keeps at most %(n)d track points.") % {"n": MAX_TRACK_POINTS})
        patrol.track = [*patrol.track, *points]
        patrol.distance_m = track_length(patrol.track)
        patrol.save(update_fields=["track", "distance_m"])
    return patrol


def end_patrol(
    patrol: Patrol, *, by, findings: str = "", issues_found: int = 0, points=None, at=None, request=None
) -> Patrol:
    points = clean_points(points)
    if not isinstance(issues_found, int) or isinstance(issues_found, bool) or not 0 <= issues_found <= 500:
        raise GridError(_("The number of problems found is a whole number from 0 to 500."))
    with transaction.atomic():
        patrol = lock(patrol)
        if patrol.member_id != by.pk:
            raise GridError(_("This is not your patrol."))
        if patrol.ended_at is not None:
            raise Conflict(_("This patrol has already ended."))
        at = at or timezone.now()
        if at < patrol.started_at:
            raise GridError(_("A patrol cannot end before it started."))
        patrol.track = [*patrol.track, *points][:MAX_TRACK_POINTS]
        patrol.distance_m = track_length(patrol.track)
        patrol.ended_at = at
        patrol.findings = (findings or "").strip()[:4000]
        patrol.issues_found = issues_found
        patrol.save()
        audit_rows(
            by=by, request=request, action="grid.patrol.end", rows=[(patrol, f"issues={issues_found}")]
        )
    return patrol
