"""Grid: the grids of a township and the people who work them (geo), base data, patrols and events."""

from grid.models.geo import Grid, GridKind, GridRole, GridStaff
from grid.models.hotline import (
    HotlineExtension,
    HotlineOrder,
    HotlineSendBack,
    HotlineStatus,
    HotlineUrgency,
)

__all__ = [
    "Grid",
    "GridKind",
    "GridRole",
    "GridStaff",
    "HotlineExtension",
    "HotlineOrder",
    "HotlineSendBack",
    "HotlineStatus",
    "HotlineUrgency",
]
