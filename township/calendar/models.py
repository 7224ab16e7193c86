"""Admin-entered calendar days that override the official and estimated holiday schedules."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """One day whose status a township admin has set, e.g. from the State Council's schedule for next year.

    An override wins over every other source, so the admin can enter next year's holidays and adjusted
    working weekends (调休) the day they are published, or correct a day the packaged data gets wrong.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("is a working day"),
        help_text=_("Tick for an adjusted working Saturday or Sunday; leave empty for a holiday."),
    )
    name = models.CharField(
        _("name"), max_length=60, blank=True, help_text=_("For example: National Day, Spring Festival.")
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self):
        kind = _("working day") if self.is_working_day else _("holiday")
        label = f"{self.date.isoformat()} {kind}"
        return f"{label} ({self.name})" if self.name else label
