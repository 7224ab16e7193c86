"""What the grid events bring to the kernel: the case type, its escalation, navigation and roles."""

from django.utils.translation import gettext_lazy as _

from township import nav
from township.casework.escalation import staff_with_role
from township.casework.registry import Escalation, register_case_type
from township.org.roles import Role, grant


def event_handlers(event_ids):
    """Who works on each event now, as (user id, department id) pairs: the reporter while it waits for
    the check; otherwise the handling department's heads and handlers."""
    from grid.models import GridEvent  # noqa: PLC0415 - called by the sweep, after start-up

    rows = list(
        GridEvent.objects.filter(pk__in=event_ids).values_list("pk", "reporter_id", "department_id", "status")
    )
    departments = sorted({d for _pk, _r, d, _s in rows if d})
    staff: dict[int, list] = {}
    for role in (Role.DEPARTMENT_HEAD, Role.APPROVER, Role.ENFORCEMENT_OFFICER):
        for department_id, people in staff_with_role(role, departments=departments).items():
            staff.setdefault(department_id, []).extend(user_id for user_id, _phone in people)
    found: dict[int, list] = {}
    for pk, reporter_id, department_id, status in rows:
        if status == "fed_back" or not department_id:
            found[pk] = [(reporter_id, department_id)]
        else:
            found[pk] = [(user_id, department_id) for user_id in staff.get(department_id, [])]
    return found


def describe_event_warning(event, warning):
    what = warning.deadline.label if getattr(warning, "deadline", None) is not None else _("Handling")
    level = _("overdue") if warning.level == 2 else _("due soon")
    return f"{event.number}: {what} {level}"


def register_events() -> None:
    from grid.models import EVENT_WORKFLOW, GridEvent  # noqa: PLC0415 - models are ready now

    register_case_type(
        GridEvent,
        workflow=EVENT_WORKFLOW,
        label=_("Grid event"),
        url_name="grid-event",
        escalation=Escalation(
            handlers=event_handlers,
            describe=describe_event_warning,
            describe_deadline=describe_event_warning,
            fields=("number",),
        ),
        number_series="SJ",
    )
    centre = {Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN}
    grid_staff = {Role.GRID_MEMBER, Role.GRID_HEAD}
    handlers = {Role.DEPARTMENT_HEAD, Role.APPROVER, Role.ENFORCEMENT_OFFICER, Role.CHIEF_REPRESENTATIVE}
    nav.register(_("My grid"), "grid-home", roles=grid_staff, order=30)
    nav.register(_("Grid events: centre"), "grid-centre", roles=centre, order=31)
    nav.register(_("Orders for my department"), "grid-department", roles=handlers, order=32)
    for role in centre:
        grant(
            role,
            "grid.view_gridevent",
            "grid.view_categorycatalogue",
            "grid.view_eventcategory",
        )
    grant(
        Role.TOWNSHIP_ADMIN,
        "grid.add_categorycatalogue",
        "grid.change_categorycatalogue",
        "grid.add_eventcategory",
        "grid.change_eventcategory",
        "grid.add_categorylimit",
        "grid.change_categorylimit",
        "grid.delete_categorylimit",
        "grid.view_categorylimit",
    )
