"""How a late home visit is escalated by the kernel: who handles it, and what the warning says."""

from django.utils.translation import gettext as _

from grid.models import GridRole, GridStaff, VisitTask


def visit_handlers(task_ids):
    """The assignee, and the heads of the task's grid."""
    tasks = dict(VisitTask.objects.filter(pk__in=task_ids).values_list("pk", "grid_id"))
    assignees = dict(
        VisitTask.objects.filter(pk__in=task_ids, assignee__isnull=False).values_list("pk", "assignee_id")
    )
    heads: dict[int, list[int]] = {}
    for grid_id, user_id in GridStaff.objects.filter(
        grid_id__in=set(tasks.values()), role=GridRole.HEAD
    ).values_list("grid_id", "user_id"):
        heads.setdefault(grid_id, []).append(user_id)
    found = {}
    for pk, grid_id in tasks.items():
        users = ([assignees[pk]] if pk in assignees else []) + heads.get(grid_id, [])
        found[pk] = [(user_id, None) for user_id in dict.fromkeys(users)]
    return found


def describe_visit_warning(task, event):
    if event.level == 2:
        return _("Home visit %(task)s is overdue") % {"task": task.pk}
    return _("Home visit %(task)s is due soon") % {"task": task.pk}
