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
