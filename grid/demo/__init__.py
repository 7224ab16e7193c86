"""Demo data of the grid app (deterministic)."""
