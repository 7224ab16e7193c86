"""Grid admin: one module per part."""

from grid.admin import base, care, devices, events, geo, hotline  # noqa: F401 - each registers its admins
