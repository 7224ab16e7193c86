"""Enforcement: Django admin, one module per part (power list, cases, later inspections and credit)."""

# --- cases (helper "cases") ---
from enforcement.admin import cases  # noqa: F401
# --- end cases ---
