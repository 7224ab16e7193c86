"""Services: data and invariants."""
