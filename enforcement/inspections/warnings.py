"""Late publication of inspection results, through the kernel: an InspectionTask's clock is its
publication limit, the kernel's sweep raises yellow and red, and the default escalation tells the team
(yellow) and also the heads of the team's departments and the command centre (red), by inbox and SMS.
The command centre's warning board lists the red ones with every other case type's."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext

from enforcement.models import InspectionTask
from township.casework.models import WarningLevel
from township.casework.registry import Escalation


def team_handlers(task_ids) -> dict[int, list[tuple[int, int | None]]]:
    Team = InspectionTask.inspectors.through
    found: dict[int, list[tuple[int, int | None]]] = {}
    rows = Team.objects.filter(inspectiontask_id__in=list(task_ids)).values_list(
        "inspectiontask_id", "inspector__user_id", "inspector__department_id"
    )
    for task_id, user_id, department_id in rows:
        found.setdefault(task_id, []).append((user_id, department_id))
    return found


def describe(task, event) -> str:
    values = {"entity": task.entity.name, "due": date_format(task.publish_by) if task.publish_by else ""}
    if event.level == WarningLevel.RED:
        return gettext("Inspection result not published in time: %(entity)s (due %(due)s)") % values
    return gettext("Inspection result to publish by %(due)s: %(entity)s") % values


ESCALATION = Escalation(
    handlers=team_handlers,
    describe=describe,
    fields=("entity", "entity__name", "publish_by"),
    related=("entity",),
)
