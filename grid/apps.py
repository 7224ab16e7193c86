from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "grid"
    verbose_name = _("Grid")

    def ready(self):
        # --- gridevents ---
        from grid.events.registration import register_events  # noqa: PLC0415 - app registry is ready now

        register_events()
        # --- end gridevents ---
