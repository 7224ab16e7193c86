"""Command centre: data and invariants."""
