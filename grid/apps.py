from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "grid"
    verbose_name = _("Grid")

    def ready(self):
        # --- gridbase ---
        from django.db.models.signals import post_delete, post_save

        from grid.care.warnings import describe_visit_warning, visit_handlers
        from grid.geo.signals import grid_boundary_changed
        from grid.models import Grid, VisitTask
        from grid.models.care import VISIT_WORKFLOW
        from grid.permissions import grant_gridbase_permissions
        from township.casework.registry import Escalation, register_case_type

        post_save.connect(grid_boundary_changed, sender=Grid, dispatch_uid="grid-boundary-saved")
        post_delete.connect(grid_boundary_changed, sender=Grid, dispatch_uid="grid-boundary-deleted")
        register_case_type(
            VisitTask,
            workflow=VISIT_WORKFLOW,
            label=_("Home visit"),
            url_name="grid-visit",
            escalation=Escalation(
                handlers=visit_handlers,
                describe=describe_visit_warning,
                describe_deadline=describe_visit_warning,
            ),
        )
        grant_gridbase_permissions()
        from township import nav
        from township.org.roles import Role

        members = {Role.GRID_MEMBER, Role.GRID_HEAD}
        nav.register(
            _("Base data"),
            "grid-base-home",
            roles=members | {Role.TOWNSHIP_ADMIN},
            order=40,
            needs_township=True,
        )
        nav.register(_("Patrol"), "grid-patrol", roles=members, order=41, needs_township=True)
        nav.register(_("Home visits"), "grid-visits", roles=members, order=42, needs_township=True)
        nav.register(
            _("Grid overview"),
            "grid-overview",
            roles={Role.GRID_HEAD, Role.TOWNSHIP_ADMIN, Role.COMMAND_CENTRE},
            order=43,
            needs_township=True,
        )
        # --- end gridbase ---
