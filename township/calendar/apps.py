from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "township.calendar"
    label = "workcalendar"
    verbose_name = _("Working-day calendar")
