"""The grid map: the township's grids from our own boundaries (Grid.boundary, WGS-84 GeoJSON), each with
its open and overdue events now, as one GeoJSON FeatureCollection for echarts.registerMap."""

from __future__ import annotations

from django.db.models import Count, Q

from grid.models import OPEN_STATES, Grid, GridEvent
from township.casework.models import WarningLevel

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


def _is_ring(ring) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(
            isinstance(p, list)
            and len(p) >= 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in p[:2])
            and -180 <= p[0] <= 180
            and -90 <= p[1] <= 90
            for p in ring
        )
    )


def valid_geometry(boundary) -> bool:
    """A Polygon or MultiPolygon with closed-enough rings of WGS-84 coordinates (what the map can draw)."""
    if not isinstance(boundary, dict) or boundary.get("type") not in GEOMETRY_TYPES:
        return False
    coordinates = boundary.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        return False
    polygons = [coordinates] if boundary["type"] == "Polygon" else coordinates
    return all(isinstance(poly, list) and poly and all(_is_ring(r) for r in poly) for poly in polygons)


def grid_map(township_ids) -> dict:
    """{"geojson": FeatureCollection, "grids": [...], "without_boundary": [...], "max_open": n}: the
    active grids of these townships with their open and overdue events, in two queries."""
    ids = list(township_ids)
    counts = {
        row["grid_id"]: row
        for row in GridEvent.objects.filter(township_id__in=ids, status__in=sorted(OPEN_STATES))
        .values("grid_id")
        .annotate(
            open=Count("pk"),
            overdue=Count(
                "pk",
                filter=Q(
                    warning_level=WarningLevel.RED,
                    clock_started_at__isnull=False,
                    clock_stopped_at__isnull=True,
                ),
            ),
        )
        .order_by()
    }
    features, grids, missing = [], [], []
    for grid in (
        Grid.objects.filter(township_id__in=ids, is_active=True)
        .select_related("village", "township")
        .order_by("township__code", "code")
    ):
        found = counts.get(grid.pk, {})
        entry = {
            "code": grid.code,
            "name": grid.name,
            "village": grid.village.name,
            "township": grid.township.name,
            "open": found.get("open", 0),
            "overdue": found.get("overdue", 0),
        }
        entry["level"] = 2 if entry["overdue"] else (1 if entry["open"] else 0)
        grids.append(entry)
        if valid_geometry(grid.boundary):
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": grid.code, "name": grid.name},
                    "geometry": grid.boundary,
                }
            )
        else:
            missing.append(entry)
    return {
        "geojson": {"type": "FeatureCollection", "features": features},
        "grids": grids,
        "without_boundary": missing,
        "drawn": len(features),
    }
