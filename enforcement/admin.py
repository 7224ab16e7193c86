"""Enforcement: Django admin."""
