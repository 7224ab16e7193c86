"""Reading hotline work orders: who handles each (for warnings), the unit's and the centre's lists."""

from django.db.models import QuerySet
from django.utils.translation import gettext

from grid.models.hotline import HotlineOrder, HotlineStatus
from township.casework.escalation import staff_with_role
from township.casework.models import WarningLevel
from township.org.roles import Role


def order_handlers(order_ids) -> dict[int, list[tuple[int, int | None]]]:
    """Warnings go to the person who signed for the order, or else to the heads of its unit."""
    rows = list(
        HotlineOrder.objects.filter(pk__in=list(order_ids)).values_list("pk", "handler_id", "department_id")
    )
    unsigned = {department for _pk, handler, department in rows if handler is None and department}
    heads = staff_with_role(Role.DEPARTMENT_HEAD, departments=unsigned) if unsigned else {}
    found: dict[int, list[tuple[int, int | None]]] = {}
    for pk, handler, department in rows:
        if handler is not None:
            found[pk] = [(handler, department)]
        elif department is not None:
            found[pk] = [(user_id, department) for user_id, _phone in heads.get(department, [])]
    return found


def describe_order_warning(order, event) -> str:
    values = {"number": order.hotline_number, "title": order.title}
    if event.level == WarningLevel.RED:
        return gettext("Overdue: 12345 work order %(number)s %(title)s") % values
    return gettext("Due soon: 12345 work order %(number)s %(title)s") % values


LIST_FIELDS = (
    "pk",
    "number",
    "hotline_number",
    "urgency",
    "kind",
    "title",
    "status",
    "received_at",
    "due_at",
    "warning_level",
    "department__name",
    "assigned_at",
    "signed_at",
    "return_count",
    "redo_count",
)


def orders_for(user, *, status: str | None = None) -> QuerySet[HotlineOrder]:
    """The orders the user may see, most urgent first (overdue, then due soonest)."""
    queryset = HotlineOrder.objects.visible_to(user).select_related("department")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-warning_level", "due_at", "-received_at")


OPEN_STATUSES = (HotlineStatus.RECEIVED, HotlineStatus.ASSIGNED, HotlineStatus.SIGNED, HotlineStatus.RETURNED)
