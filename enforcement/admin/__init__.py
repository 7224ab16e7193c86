"""Enforcement: Django admin, one module per part."""

# --- helper "entities" (issue 14) ---
from enforcement.admin import credit, inspections  # noqa: F401
# --- end "entities" ---
