"""Command centre: who may do what. The dashboard is for the command centre, the township's leaders (its
admins and the head of the party-government office) and the county; the warning board also for every
department head, over their department's cases."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from township.org.roles import Role, roles_of

DASHBOARD_ROLES = frozenset({Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN})
BOARD_ROLES = DASHBOARD_ROLES | {Role.DEPARTMENT_HEAD}
# the dispatch desk is the township's own centre: the county looks, the township dispatches
DESK_ROLES = frozenset({Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN})


def is_leader(user) -> bool:
    """A department head of a leaders' office (党政办, settings.COMMAND_CENTRE_LEADER_DEPARTMENTS codes)."""
    if Role.DEPARTMENT_HEAD not in roles_of(user):
        return False
    profile = getattr(user, "staff_profile", None)
    department = getattr(profile, "department", None) if profile is not None else None
    return department is not None and department.code in settings.COMMAND_CENTRE_LEADER_DEPARTMENTS


def may_view_dashboard(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(roles_of(user) & DASHBOARD_ROLES) or is_leader(user)


def may_use_board(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(roles_of(user) & BOARD_ROLES)


def require_dashboard(user) -> None:
    if not may_view_dashboard(user):
        raise PermissionDenied(
            _("The dashboard is for the command centre, the township's leaders and the county.")
        )


def require_board(user) -> None:
    if not may_use_board(user):
        raise PermissionDenied(_("The warning board is for the command centre and department heads."))


def require_desk(user) -> None:
    """The dispatch desk: command-centre staff (or the admin) of a township, acting in their township."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("The dispatch desk is for the township's command centre."))
    profile = getattr(user, "staff_profile", None)
    if user.is_superuser:
        return
    if not (roles_of(user) & DESK_ROLES) or profile is None or not profile.township_id:
        raise PermissionDenied(_("The dispatch desk is for the township's command centre."))
