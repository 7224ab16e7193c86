"""Approvals: data and invariants."""
