"""Which grid a location lies in, for reports that come without one (residents, Open311, the hotline):
the grid network's point-in-polygon (grid.geometry: a prepared STRtree per township, border tie-break
micro-grid > specialised > lowest code, the nearest grid within GRID_NEAREST_MAX_METRES just outside)."""

from __future__ import annotations

from grid.geometry import locate
from grid.models import Grid


def locate_grid(township, latitude: float, longitude: float) -> Grid | None:
    found = locate(township.pk, float(longitude), float(latitude))
    return Grid.objects.filter(pk=found.grid_id).first() if found.grid_id else None
