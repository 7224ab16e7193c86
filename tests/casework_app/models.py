"""A test-only case model for the kernel tests, plus the notices its warning hook writes."""

from django.db import models

from township.casework.models import CaseClock


class Permit(CaseClock):
    title = models.CharField(max_length=100)
    state = models.CharField(max_length=20, default="accepted")

    class Meta:
        indexes = [CaseClock.warning_index("permit_warning_due")]

    def __str__(self):
        return self.title


class PermitNotice(models.Model):
    """What the on_warning hook did; a row, so a real worker's effect shows in the test's database."""

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="notices")
    # A plain unique id, not a foreign key: this app has no migrations, and unmigrated apps cannot
    # point at migrated tables. Unique, so a second hand-over of the same event would fail loudly.
    event_id = models.BigIntegerField(unique=True)
    level = models.SmallIntegerField()
    due_at = models.DateTimeField()

    def __str__(self):
        return f"notice {self.event_id} for permit {self.permit_id}"


def record_notices(events):
    PermitNotice.objects.bulk_create(
        PermitNotice(permit_id=event.object_id, event_id=event.pk, level=event.level, due_at=event.due_at)
        for event in events
    )
