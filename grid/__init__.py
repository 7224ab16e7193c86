"""Grid: grids and members, base data, grid events with the six-step loop, Open311 API."""
