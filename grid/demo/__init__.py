"""Demo data of the grid app (deterministic): villages, grids and staff (geo), the event catalogue (events)."""
