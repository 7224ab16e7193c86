"""A test-only case model for the kernel tests, plus the notices its warning hook writes."""

from django.db import models

from township.casework.models import CaseClock
from township.casework.registry import Escalation
from township.casework.workflow import Move, Workflow
from township.org.models import TownshipOwned


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
    # A plain unique id, not a foreign key to the event. Unique, so a second hand-over of the same event
    # would fail loudly.
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


class ComplaintStatus(models.TextChoices):
    OPEN = "open", "Open"
    ASSIGNED = "assigned", "Assigned"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


C = ComplaintStatus
# A new loop needs a model, this table and one registration (apps.py): nothing else.
COMPLAINT_WORKFLOW = Workflow(
    states=ComplaintStatus,
    moves=[
        Move("assign", "Assigned to a handler", sources=[C.OPEN], target=C.ASSIGNED),
        Move("resolve", "Resolved", sources=[C.ASSIGNED], target=C.RESOLVED),
        Move("reopen", "Reopened", sources=[C.RESOLVED], target=C.ASSIGNED),
        Move("close", "Closed", sources=[C.RESOLVED], target=C.CLOSED),
    ],
    labels={"receive": "Received"},
)


class Complaint(TownshipOwned, CaseClock):
    """A test-only loop built the way enforcement and the grid are meant to be built."""

    scope_paths = {"township": "township", "department": "department"}

    number = models.CharField(max_length=40, unique=True)
    status = models.CharField(max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    title = models.CharField(max_length=100)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, null=True, blank=True)
    handler = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [CaseClock.warning_index("complaint_warning_due")]

    def __str__(self):
        return f"{self.number} {self.title}"


def complaint_handlers(complaint_ids):
    return {
        pk: [(handler_id, department_id)]
        for pk, handler_id, department_id in Complaint.objects.filter(
            pk__in=complaint_ids, handler__isnull=False
        ).values_list("pk", "handler_id", "department_id")
    }


def describe_complaint_warning(complaint, event):
    what = event.deadline.label if getattr(event, "deadline", None) is not None else "the complaint"
    level = "overdue" if event.level == 2 else "due soon"
    return f"{complaint.number}: {what} is {level}"


COMPLAINT_ESCALATION = Escalation(
    handlers=complaint_handlers,
    describe=describe_complaint_warning,
    describe_deadline=describe_complaint_warning,
    fields=("number",),
)
