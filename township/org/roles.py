"""The portal's roles, kept as Django groups with their permissions (created after every migrate)."""

from enum import StrEnum

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    WINDOW_CLERK = "window_clerk"
    APPROVER = "approver"
    CHIEF_REPRESENTATIVE = "chief_representative"
    DEPARTMENT_HEAD = "department_head"
    ENFORCEMENT_OFFICER = "enforcement_officer"
    LEGAL_REVIEWER = "legal_reviewer"
    GRID_HEAD = "grid_head"
    GRID_MEMBER = "grid_member"
    COMMAND_CENTRE = "command_centre"
    TOWNSHIP_ADMIN = "township_admin"
    COUNTY_ADMIN = "county_admin"


ROLE_LABELS = {
    Role.WINDOW_CLERK: _("Window clerk"),
    Role.APPROVER: _("Approver"),
    Role.CHIEF_REPRESENTATIVE: _("Chief representative"),
    Role.DEPARTMENT_HEAD: _("Department head"),
    Role.ENFORCEMENT_OFFICER: _("Enforcement officer"),
    Role.LEGAL_REVIEWER: _("Legal reviewer"),
    Role.GRID_HEAD: _("Grid head"),
    Role.GRID_MEMBER: _("Grid member"),
    Role.COMMAND_CENTRE: _("Command-centre staff"),
    Role.TOWNSHIP_ADMIN: _("Township admin"),
    Role.COUNTY_ADMIN: _("County admin"),
}

# Model permissions each role holds, as "app_label.codename". Apps add theirs with `grant()`
# in their AppConfig.ready(); permissions that do not exist yet are skipped, never invented.
ROLE_PERMISSIONS: dict[Role, set[str]] = {role: set() for role in Role}
ROLE_PERMISSIONS[Role.TOWNSHIP_ADMIN] |= {
    "org.view_department",
    "org.change_department",
    "org.add_department",
    "org.view_servicewindow",
    "org.change_servicewindow",
    "org.add_servicewindow",
    "org.view_staffprofile",
    "org.change_staffprofile",
    "org.add_staffprofile",
    "org.view_apiclient",
    "org.add_apiclient",
    "org.change_apiclient",
    "workcalendar.view_calendaroverride",
    "workcalendar.add_calendaroverride",
    "workcalendar.change_calendaroverride",
    "workcalendar.delete_calendaroverride",
    "casework.view_timelineentry",
    "notify.view_outboxmessage",
    "documents.view_issueddocument",
}
ROLE_PERMISSIONS[Role.COUNTY_ADMIN] |= ROLE_PERMISSIONS[Role.TOWNSHIP_ADMIN] | {
    "org.view_township",
    "org.change_township",
    "org.add_township",
    "org.view_county",
}
ROLE_PERMISSIONS[Role.COMMAND_CENTRE] |= {
    "org.view_department",
    "org.view_servicewindow",
    "casework.view_timelineentry",
    "documents.view_issueddocument",
}
for _role in (Role.APPROVER, Role.CHIEF_REPRESENTATIVE, Role.DEPARTMENT_HEAD):
    ROLE_PERMISSIONS[_role] |= {"casework.view_timelineentry", "documents.view_issueddocument"}

# Roles whose holders sign in to the Django admin (the back office works there).
ADMIN_ROLES = {
    Role.APPROVER,
    Role.CHIEF_REPRESENTATIVE,
    Role.DEPARTMENT_HEAD,
    Role.LEGAL_REVIEWER,
    Role.COMMAND_CENTRE,
    Role.TOWNSHIP_ADMIN,
    Role.COUNTY_ADMIN,
}


def grant(role: Role, *permissions: str) -> None:
    ROLE_PERMISSIONS[role].update(permissions)


def roles_of(user) -> frozenset[str]:
    """The role names of a user, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(name for name in names if name in Role.__members__.values())
        user._portal_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & {str(r) for r in roles})


def sync_role_groups(sender=None, **kwargs) -> None:
    """Create one group per role and give it exactly its permissions. Idempotent."""
    using = kwargs.get("using", "default")
    permissions = {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=str(role))
        wanted = [permissions[p] for p in sorted(ROLE_PERMISSIONS[role]) if p in permissions]
        group.permissions.set(wanted)
