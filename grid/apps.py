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
        # --- end hotline ---
