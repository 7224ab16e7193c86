"""Enforcement: pages."""
