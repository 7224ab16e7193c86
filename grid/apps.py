from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "grid"
    verbose_name = _("Grid")

    def ready(self):
        # --- hotline work orders (12345) ---
        from grid.hotline.selectors import describe_order_warning, order_handlers
        from grid.models.hotline import HOTLINE_WORKFLOW, HotlineOrder
        from township.casework.registry import Escalation, register_case_type

        register_case_type(
            HotlineOrder,
            workflow=HOTLINE_WORKFLOW,
            label=_("12345 work order"),
            escalation=Escalation(
                handlers=order_handlers,
                describe=describe_order_warning,
                describe_deadline=describe_order_warning,
                fields=("hotline_number", "title"),
            ),
            number_series="RX",
        )
        from township.org.roles import Role, grant

        viewing = ("grid.view_hotlineorder", "grid.view_hotlinesendback", "grid.view_hotlineextension")
        for role in (Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN, Role.DEPARTMENT_HEAD):
            grant(role, *viewing)
        from township import nav

        nav.register(
            _("12345 work orders"),
            "grid-hotline-orders",
            roles={Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN, Role.DEPARTMENT_HEAD, Role.ENFORCEMENT_OFFICER},
            order=40,
            needs_township=True,
        )
        # --- end hotline ---
        # --- gridevents ---
        from grid.events.registration import register_events  # noqa: PLC0415 - app registry is ready now

        register_events()
        # --- end gridevents ---
        # --- channels: the reporter hears of each step ---
        from grid.channels.reporter import on_event_transition
        from grid.models import GridEvent
        from township.casework.workflow import case_transitioned

        case_transitioned.connect(
            on_event_transition, sender=GridEvent, dispatch_uid="grid.channel-reporter-sms"
        )
        nav.register(_("Report a problem"), "grid-report-problem", for_residents=True, order=60)
        from grid.channels.views import is_report_number, track
        from township.tracking import register_tracker

        register_tracker(recognises=is_report_number, view=track)  # found on the one tracking page
        # --- end channels ---
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
        # --- command2: grid and hotline tiles on the command centre's dashboard ---
        from grid.command_metrics import register_grid_metrics

        register_grid_metrics()
        # --- end command2 ---
