"""Enforcement API: one module per part, their routes joined here."""

# --- helper "entities" (issue 14) ---
from enforcement.api import inspections

urlpatterns: list = [*inspections.urlpatterns]
# --- end "entities" ---
