from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Services")

    def ready(self):
        from township.org.roles import Role, grant

        catalog = [
            f"services.{action}_{model}"
            for model in ("serviceitem", "serviceitemversion", "materialrequirement", "bundle", "bundleitem")
            for action in ("view", "add", "change")
        ] + ["services.view_materialtype", "services.add_materialtype", "services.change_materialtype"]
        for role in (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN):
            grant(role, *catalog)
        for role in (
            Role.WINDOW_CLERK,
            Role.APPROVER,
            Role.CHIEF_REPRESENTATIVE,
            Role.DEPARTMENT_HEAD,
            Role.COMMAND_CENTRE,
        ):
            grant(
                role, "services.view_serviceitem", "services.view_serviceitemversion", "services.view_bundle"
            )
        intake = [
            "services.view_application",
            "services.add_application",
            "services.change_application",
            "services.view_applicationmaterial",
            "services.view_queueticket",
            "services.change_queueticket",
            "services.view_appointment",
            "services.change_appointment",
        ]
        grant(Role.WINDOW_CLERK, *intake)
        overseers = [
            "services.view_application",
            "services.view_applicationmaterial",
            "services.view_evaluation",
        ]
        for role in (Role.APPROVER, Role.CHIEF_REPRESENTATIVE, Role.DEPARTMENT_HEAD, Role.COMMAND_CENTRE):
            grant(role, *overseers)
        for role in (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN):
            grant(
                role,
                *overseers,
                *intake,
                "services.view_rectification",
                "services.change_rectification",
                "services.add_followup",
                "services.view_followup",
                "services.view_queueticket",
            )
        for role in (Role.DEPARTMENT_HEAD, Role.COMMAND_CENTRE):
            grant(
                role, "services.view_rectification", "services.change_rectification", "services.add_followup"
            )
