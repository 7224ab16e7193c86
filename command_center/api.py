"""Command centre: the dashboard's figures as JSON live at `dashboard.json` (command_center.views), scoped
like the pages; no DRF viewset is needed for one read-only document."""
