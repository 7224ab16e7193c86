"""Grids on a map: boundary import, point-in-polygon lookups, pages."""
