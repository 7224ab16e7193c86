"""Keep every process's built schedule in step with the calendar override table."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from township.calendar import schedule
from township.calendar.models import CalendarOverride


@receiver(post_save, sender=CalendarOverride, dispatch_uid="workcalendar-override-saved")
@receiver(post_delete, sender=CalendarOverride, dispatch_uid="workcalendar-override-deleted")
def override_changed(**kwargs):
    # This process sees its own uncommitted row at once; the others must wait for the commit, or they
    # would rebuild from the old rows and keep that stale build until the next change.
    schedule.forget_local_cache()
    transaction.on_commit(schedule.invalidate_cache)
