"""Grid: pages."""
