"""Enforcement: Django admin, one module per part."""

# ---- power list and configuration (helper "power") ----
# --- helper "entities" (issue 14) ---
from enforcement.admin import (  # noqa: F401
    credit,
    inspections,
    power,  # noqa: F401
)
# --- end "entities" ---
