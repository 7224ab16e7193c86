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
        # --- end channels ---
        # --- command2: grid and hotline tiles on the command centre's dashboard ---
        from grid.command_metrics import register_grid_metrics

        register_grid_metrics()
        # --- end command2 ---
