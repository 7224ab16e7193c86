"""Approvals: Django admin."""
