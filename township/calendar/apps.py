"""App configuration of the working-day calendar; connects its cache invalidation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "township.calendar"
    label = "workcalendar"
    verbose_name = _("Working-day calendar")

    def ready(self):
        from township.calendar import signals  # noqa: F401 - connects the cache invalidation
