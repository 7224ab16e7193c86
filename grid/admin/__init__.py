"""Grid admin: one module per part."""

from grid.admin import hotline  # noqa: F401 - registers the hotline admin
