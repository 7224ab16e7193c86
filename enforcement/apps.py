from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("Enforcement")

    def ready(self):
        # --- helper "entities" (issue 14): inspections and credit ---
        from township import nav
        from township.org.roles import Role, grant

        registers = [
            f"enforcement.{action}_{model}"
            for model in (
                "inspectionmatter",
                "inspector",
                "inspectorconflict",
                "inspectionplan",
                "planstratum",
            )
            for action in ("view", "add", "change")
        ]
        readers = [
            "enforcement.view_draw",
            "enforcement.view_inspectiontask",
            "enforcement.view_creditrecord",
            "enforcement.view_creditrepair",
        ]
        for role in (Role.DEPARTMENT_HEAD, Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN):
            grant(role, *registers, *readers)
        grant(Role.COMMAND_CENTRE, "enforcement.view_inspectionplan", *readers)
        nav.register(
            _("My inspections"), "enforcement-my-inspections", roles={Role.ENFORCEMENT_OFFICER}, order=30
        )
        # --- end "entities" ---
