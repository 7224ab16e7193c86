"""Enforcement: Django admin, one module per part."""

# ---- power list and configuration (helper "power") ----
from enforcement.admin import power  # noqa: F401
