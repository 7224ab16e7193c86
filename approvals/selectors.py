"""Approvals: read queries scoped to the user, reused by pages, API and dashboard."""
