from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandCenterConfig(AppConfig):
    name = "command_center"
    verbose_name = _("Command centre")

    def ready(self):
        from command_center.metrics import BoardRows, register_board_rows
        from command_center.permissions import BOARD_ROLES, DASHBOARD_ROLES, DESK_ROLES
        from command_center.selectors import register_window_metrics
        from services.models import Application
        from township import nav
        from township.org.roles import Role, grant

        register_window_metrics()
        # Applications read "number · item" on the board (the item's name is a related row).
        register_board_rows(
            Application,
            BoardRows(
                title=lambda a: f"{a.number} · {a.title}" if a.number else a.title,
                related=("item_version", "bundle"),
            ),
        )
        nav.register(
            _("Command centre"), "command-dashboard", roles=DASHBOARD_ROLES | {Role.DEPARTMENT_HEAD}, order=5
        )
        nav.register(_("Warning board"), "command-board", roles=BOARD_ROLES, order=6)
        staff = [r for r in Role if r != Role.COUNTY_ADMIN]
        nav.register(_("Urgings to answer"), "command-urgings", roles=staff, order=90)
        for role in (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN):
            grant(
                role,
                "command_center.view_ratingscheme",
                "command_center.add_ratingscheme",
                "command_center.change_ratingscheme",
                "command_center.view_ratingindicator",
                "command_center.add_ratingindicator",
                "command_center.change_ratingindicator",
                "command_center.delete_ratingindicator",
            )
        grant(Role.COMMAND_CENTRE, "command_center.view_ratingscheme", "command_center.view_ratingindicator")
        # the dispatch desk's hotline category routes: the centre and the township admin keep them
        route_perms = [f"command_center.{a}_hotlineroute" for a in ("view", "add", "change", "delete")]
        for role in (Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN):
            grant(role, *route_perms)
        nav.register(_("Dispatch desk"), "command-dispatch", roles=DESK_ROLES, order=7, needs_township=True)
        nav.register(_("Grid map"), "command-grid-map", roles=DASHBOARD_ROLES, order=8)
