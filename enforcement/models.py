"""Enforcement: data and invariants."""
