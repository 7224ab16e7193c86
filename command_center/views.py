"""Command centre: pages."""
