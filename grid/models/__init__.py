"""Grid: the grids of a township and the people who work them (geo), base data, patrols and events."""

from grid.models.geo import Grid, GridKind, GridRole, GridStaff

__all__ = ["Grid", "GridKind", "GridRole", "GridStaff"]
