from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "township.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self):
        from township import nav
        from township.notify.services import unread_inbox_count
        from township.org.roles import Role, grant

        nav.register(_("Inbox"), "notify-inbox", roles=set(Role), order=5, badge=unread_inbox_count)

        # The outbox admin is read-only; "change" is what its retry action for failed messages needs.
        for role in (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN):
            grant(role, "notify.view_outboxmessage", "notify.change_outboxmessage")
