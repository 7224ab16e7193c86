"""Grid admin: one module per part."""

from grid.admin import events, hotline  # noqa: F401 - registers the event and hotline admins
