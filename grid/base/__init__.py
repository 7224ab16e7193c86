"""Base data of the grids (人、地、物、组织): services, selectors, imports, pages."""
