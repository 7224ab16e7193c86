"""App configuration of the audit log: connects the sign-in signals and grants its admin."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "township.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from township.audit import signals  # noqa: F401 - connects the sign-in receivers
        from township.org.roles import Role, grant

        for role in (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN):
            grant(role, "audit.view_auditevent")
