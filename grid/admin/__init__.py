"""Grid: Django admin."""

# --- gridevents ---
from grid.admin import events  # noqa: F401 - registers the event admin

# --- end gridevents ---
