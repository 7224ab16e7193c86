"""Approvals: who handles an application in the back office, and how its warnings read. The kernel's
default escalation (township.casework.escalation) does the telling: yellow to the approvers in their inbox,
red also to the department heads and the command centre, with an SMS."""

from collections import defaultdict

from django.utils.translation import gettext as _

from approvals.models import ReviewTask, TaskStatus
from township.casework.models import WarningLevel
from township.casework.registry import Escalation


def application_handlers(application_ids) -> dict:
    """{application id: [(approver id, department id)]} of the open review steps."""
    found = defaultdict(list)
    for application_id, user_id, department_id in ReviewTask.objects.filter(
        application_id__in=application_ids, status=TaskStatus.ACTIVE, assignee__isnull=False
    ).values_list("application_id", "assignee_id", "department_id"):
        found[application_id].append((user_id, department_id))
    return found


def describe_application_warning(application, event) -> str:
    template = (
        _("Overdue: application %(number)s (%(title)s) passed its promised date %(due)s")
        if event.level == WarningLevel.RED
        else _("Due soon: application %(number)s (%(title)s) is due on %(due)s")
    )
    return template % {"number": application.number, "title": application.title, "due": application.due_date}


APPLICATION_ESCALATION = Escalation(
    handlers=application_handlers,
    describe=describe_application_warning,
    fields=(
        "number",
        "due_at",
        "limit_unit",
        "item_version_id",
        "bundle_id",
        "item_version__name",
        "bundle__name",
    ),
    related=("item_version", "bundle"),
)
