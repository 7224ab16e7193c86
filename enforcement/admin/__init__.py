"""Enforcement: Django admin, one module per part (power list, cases, inspections and credit)."""

from enforcement.admin import cases, credit, inspections, power  # noqa: F401 - each registers its admins
