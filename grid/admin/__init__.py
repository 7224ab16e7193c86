"""Grid: Django admin."""

# --- gridbase ---
from grid.admin import base, care, geo  # noqa: F401 - registers the ModelAdmins

# --- end gridbase ---
