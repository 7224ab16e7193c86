from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("Enforcement")

    def ready(self):
        # ---- power list and configuration (helper "power") ----
        from township.org.roles import Role, grant

        power_list = [
            f"enforcement.{action}_{model}"
            for model in ("powermatter", "powermatterversion", "discretionband")
            for action in ("view", "add", "change", "delete")
        ]
        local_rules = [
            f"enforcement.{action}_{model}"
            for model in ("enforcementruleset", "documentnumberformat")
            for action in ("view", "add", "change")
        ]
        # legal reviewers keep the list and the township's rules, with the admins; heads and officers read
        for role in (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN, Role.LEGAL_REVIEWER):
            grant(role, *power_list, *local_rules)
        for role in (Role.DEPARTMENT_HEAD, Role.ENFORCEMENT_OFFICER):
            grant(role, "enforcement.view_powermatter", "enforcement.view_powermatterversion")
        # hearing thresholds are per province: county level only
        grant(Role.COUNTY_ADMIN, *(f"enforcement.{a}_hearingthreshold" for a in ("view", "add", "change")))
        for role in (Role.TOWNSHIP_ADMIN, Role.DEPARTMENT_HEAD, Role.LEGAL_REVIEWER):
            grant(role, "enforcement.view_hearingthreshold")
        # --- helper "entities" (issue 14): inspections and credit ---
        from township import nav

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
        # --- cases (helper "cases") ---
        from enforcement.cases.apps import ready as cases_ready

        cases_ready()
        # --- end cases ---
        # --- helper "inspections2": late publication through the kernel's clock and sweep ---
        from enforcement.inspections.warnings import ESCALATION
        from enforcement.models import InspectionTask
        from township.casework.registry import register_case_type
        from township.documents.types import register_document_type

        nav.register(
            _("Credit records"),
            "enforcement-credit-staff",
            roles={Role.DEPARTMENT_HEAD, Role.ENFORCEMENT_OFFICER, Role.TOWNSHIP_ADMIN},
            order=31,
        )
        register_document_type("credit_repair_notice", _("Credit repair notice"), "XYXF")
        register_case_type(
            InspectionTask,
            label=_("Inspection result publication"),
            url_name="admin:enforcement_inspectiontask_change",
            escalation=ESCALATION,
        )
        # --- command centre: enforcement, inspection and credit tiles ---
        from enforcement.command_metrics import register_enforcement_metrics

        register_enforcement_metrics()
