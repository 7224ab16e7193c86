"""Approvals: pages."""
