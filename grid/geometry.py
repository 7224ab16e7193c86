"""Grid boundaries: checking GeoJSON, and finding the grid of a location.

Boundaries are GeoJSON (RFC 7946) Polygon or MultiPolygon geometries in WGS-84 longitude/latitude
(GPS, CGCS2000); GCJ-02 (AMap, Tencent) or BD-09 (Baidu) points must be converted before they get here.

Point-in-polygon: one `GridLocator` per township holds the active grids' prepared polygons in a shapely
STRtree and answers `locate(lng, lat)`. It is cached per process and rebuilt when the township's
boundary version (a cache key bumped on every boundary change) moves.

Tie-break, documented and tested: of the grids whose polygon *covers* the point (borders included),
1. a micro-grid beats the grid it lies in (the most specific grid wins),
2. a specialised grid (school, market, park) beats a basic grid it overlays,
3. on a shared border of grids of the same rank, the lowest grid code wins.
A point inside no grid goes to the nearest grid if it is within GRID_NEAREST_MAX_METRES (default 200 m;
`how="nearest"`), else to none (`grid_id=None`).
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from dataclasses import dataclass

import shapely
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape
from shapely.validation import explain_validity

# Longitude and latitude of the mainland, with a margin: anything else is a swapped pair or projected metres.
LNG_RANGE = (70.0, 140.0)
LAT_RANGE = (0.0, 56.0)
# Overlaps smaller than this (square degrees, about 1 m² at 30° N) are rounding, not overlap.
AREA_TOLERANCE = 1e-10
# A grid may stick out of its village by less than this (degrees, about 0.1 m) through rounding.
INSIDE_TOLERANCE = 1e-6
METRES_PER_DEGREE = 111_320.0


def _ring_faults(ring, where: str) -> list[str]:
    faults = []
    if not isinstance(ring, list) or len(ring) < 4:
        return [_("%(where)s: a ring needs at least 4 positions (first = last).") % {"where": where}]
    for position in ring:
        if (
            not isinstance(position, list | tuple)
            or len(position) < 2
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in position[:2]
            )
        ):
            return [_("%(where)s: every position must be [longitude, latitude] numbers.") % {"where": where}]
        lng, lat = position[0], position[1]
        if not (LNG_RANGE[0] <= lng <= LNG_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
            return [
                _(
                    "%(where)s: position [%(lng)s, %(lat)s] is not a WGS-84 longitude/latitude in China "
                    "(swapped, or projected metres?)."
                )
                % {"where": where, "lng": lng, "lat": lat}
            ]
    if list(ring[0][:2]) != list(ring[-1][:2]):
        faults.append(
            _("%(where)s: the ring is not closed (its first and last positions differ).") % {"where": where}
        )
    return faults


def geometry_faults(geometry, where: str) -> list[str]:
    """What is wrong with a GeoJSON geometry as a grid or village boundary (empty: nothing)."""
    if not isinstance(geometry, dict):
        return [_("%(where)s: no geometry.") % {"where": where}]
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon" and isinstance(coordinates, list):
        polygons = coordinates
    else:
        return [
            _("%(where)s: the geometry must be a Polygon or MultiPolygon, not %(kind)s.")
            % {"where": where, "kind": kind}
        ]
    faults = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return [*faults, _("%(where)s: a polygon without rings.") % {"where": where}]
        for ring in polygon:
            faults += _ring_faults(ring, where)
    if faults:
        return faults
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
        return [_("%(where)s: not a readable polygon (%(error)s).") % {"where": where, "error": exc}]
    if not geom.is_valid:
        return [
            _("%(where)s: not a valid polygon: %(reason)s.")
            % {"where": where, "reason": explain_validity(geom)}
        ]
    if geom.area <= 0:
        return [_("%(where)s: the polygon has no area.") % {"where": where}]
    return []


def normalised(geometry: dict) -> dict:
    """The geometry as RFC 7946 wants it: exterior rings counter-clockwise, holes clockwise."""
    return shapely.geometry.mapping(shapely.orient_polygons(shape(geometry), exterior_cw=False))


def as_geojson(geom) -> dict:
    mapped = shapely.geometry.mapping(geom)
    return {"type": mapped["type"], "coordinates": _lists(mapped["coordinates"])}


def _lists(value):
    if isinstance(value, list | tuple) and value and isinstance(value[0], int | float):
        return [float(v) for v in value]
    return [_lists(v) for v in value]


# ---- point-in-polygon --------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    grid_id: int | None
    how: str  # "inside", "border" (covered by several; tie-break applied), "nearest", "outside"
    candidates: tuple[int, ...] = ()


def _version_key(township_id: int) -> str:
    return f"grid:boundaries:v:{township_id}"


def boundary_version(township_id: int) -> str:
    """A token that changes whenever the township's boundaries change (or the cache was emptied)."""
    return cache.get_or_set(_version_key(township_id), lambda: uuid.uuid4().hex, timeout=None)


def boundaries_changed(township_id: int) -> None:
    """Call after any change to a township's grid boundaries (the signal on Grid does it on commit)."""
    cache.set(_version_key(township_id), uuid.uuid4().hex, timeout=None)
    _checked.pop(township_id, None)


class GridLocator:
    """The active grids of one township in an STRtree of prepared polygons."""

    def __init__(self, rows):
        """rows: (id, code, kind, level, geojson) for every grid with a boundary."""
        rows = [r for r in rows if r[4]]
        self.ids = [r[0] for r in rows]
        # rank: lower wins; micro-grids first, then specialised grids, then by code
        self.rank = [(-r[3], 0 if r[2] == "specialised" else 1, r[1]) for r in rows]
        self.geoms = [shape(r[4]) for r in rows]
        shapely.prepare(self.geoms)
        self.tree = shapely.STRtree(self.geoms)

    def locate(self, lng: float, lat: float) -> Location:
        if not self.ids:
            return Location(None, "outside")
        point = Point(lng, lat)
        # predicate(point, tree geometry): "covered_by" means the grid covers the point, border included
        hits = list(self.tree.query(point, predicate="covered_by"))
        if hits:
            hits.sort(key=lambda i: self.rank[i])
            best = hits[0]
            tied = [i for i in hits if self.rank[i][:2] == self.rank[best][:2]]
            how = "border" if len(tied) > 1 else "inside"
            return Location(self.ids[best], how, tuple(self.ids[i] for i in hits))
        max_metres = getattr(settings, "GRID_NEAREST_MAX_METRES", 200)
        if max_metres <= 0:
            return Location(None, "outside")
        # a degree of latitude is the longest: this radius in degrees never reaches beyond max_metres
        max_degrees = max_metres / METRES_PER_DEGREE
        nearest = self.tree.query_nearest(point, max_distance=max_degrees, all_matches=True)
        if len(nearest) == 0:
            return Location(None, "outside")
        candidates = sorted(nearest, key=lambda i: self.rank[i])  # equally near: the tie-break above
        return Location(self.ids[candidates[0]], "nearest", tuple(self.ids[i] for i in candidates))


_locators: dict[int, tuple[str, GridLocator]] = {}
_lock = threading.Lock()
# The boundary version is read from the shared cache at most this often per process (seconds): a change
# made in another process is seen within this time, one made in this process at once.
VERSION_CHECK_SECONDS = 2.0
_checked: dict[int, tuple[float, str]] = {}


def _current_version(township_id: int) -> str:
    now = time.monotonic()
    seen = _checked.get(township_id)
    if seen is not None and now - seen[0] < VERSION_CHECK_SECONDS:
        return seen[1]
    version = boundary_version(township_id)
    _checked[township_id] = (now, version)
    return version


def locator_for(township_id: int) -> GridLocator:
    """The township's locator, rebuilt when its boundary version changed (a boundary was edited or imported)."""
    from grid.models import Grid  # noqa: PLC0415 - cycle: the models' signals use this module

    version = _current_version(township_id)
    cached = _locators.get(township_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    rows = []
    for pk, code, kind, parent_id, boundary in (
        Grid.objects.filter(township_id=township_id, is_active=True, boundary__isnull=False)
        .values_list("pk", "code", "kind", "parent_id", "boundary")
        .iterator()
    ):
        rows.append((pk, code, kind, 1 if parent_id is None else 2, boundary))
    locator = GridLocator(rows)
    with _lock:
        _locators[township_id] = (version, locator)
    return locator


def locate(township_id: int, lng: float, lat: float) -> Location:
    return locator_for(township_id).locate(lng, lat)
