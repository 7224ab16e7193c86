"""Which grid a location lies in, for reports that come without one (residents, Open311, the hotline).

Boundaries are GeoJSON in WGS-84 on each grid. A point on a border shared by two grids goes to the grid
with the smaller code (a documented, stable tie-break); micro-grids are not used here (events belong to
a basic or specialised grid). The geometries of a township are built once per process and rebuilt when
any grid of the township changes (the newest `pk`/count acts as the version).
"""

from __future__ import annotations

from functools import lru_cache

from shapely.geometry import Point, shape
from shapely.prepared import prep

from grid.models import Grid


@lru_cache(maxsize=64)
def _geometries(township_id: int, version: tuple) -> list[tuple[str, int, object]]:
    rows = (
        Grid.objects.filter(
            township_id=township_id, is_active=True, parent__isnull=True, boundary__isnull=False
        )
        .order_by("code")
        .values_list("code", "pk", "boundary")
    )
    found = []
    for code, pk, boundary in rows:
        try:
            geometry = shape(boundary)
        except (TypeError, ValueError, KeyError, AttributeError):
            continue
        if geometry.is_valid and not geometry.is_empty:
            found.append((code, pk, prep(geometry), geometry))
    return found


def _version(township_id: int) -> tuple:
    from django.db.models import Count, Max  # noqa: PLC0415 - only here

    stats = Grid.objects.filter(township_id=township_id).aggregate(n=Count("pk"), top=Max("pk"))
    return (stats["n"], stats["top"])


def locate_grid(township, latitude: float, longitude: float) -> Grid | None:
    point = Point(float(longitude), float(latitude))
    for _code, pk, prepared, geometry in _geometries(township.pk, _version(township.pk)):
        if prepared.contains(point) or geometry.touches(point):
            return Grid.objects.get(pk=pk)
    return None
