"""Command centre: Django admin."""
