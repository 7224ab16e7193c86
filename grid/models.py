"""Grid: data and invariants."""
