"""Grid: Django admin."""
