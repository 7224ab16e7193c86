from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntitiesConfig(AppConfig):
    name = "township.entities"
    label = "entities"
    verbose_name = _("Market entities")

    def ready(self):
        from township.org.roles import Role, grant

        readers = (
            Role.WINDOW_CLERK,
            Role.APPROVER,
            Role.CHIEF_REPRESENTATIVE,
            Role.DEPARTMENT_HEAD,
            Role.ENFORCEMENT_OFFICER,
            Role.LEGAL_REVIEWER,
            Role.GRID_HEAD,
            Role.GRID_MEMBER,
            Role.COMMAND_CENTRE,
        )
        for role in readers:
            grant(role, "entities.view_marketentity")
        # the register is kept by the township's administrators and the enforcement bureau
        for role in (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN, Role.ENFORCEMENT_OFFICER):
            grant(
                role,
                "entities.view_marketentity",
                "entities.add_marketentity",
                "entities.change_marketentity",
            )
