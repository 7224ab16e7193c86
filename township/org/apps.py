from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "township.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from township.org.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="org-sync-role-groups")

        from township import nav
        from township.org.roles import ADMIN_ROLES, Role

        nav.register(_("Departments and windows"), "org-my-township", roles=set(Role), order=900)
        nav.register(_("Back office"), "admin:index", roles=ADMIN_ROLES, order=950)
