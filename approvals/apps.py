from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from approvals.warnings import application_warnings
        from services.models import Application
        from services.services.intake import ACCEPTANCE_HOOKS
        from township import nav
        from township.casework.registry import register_case_type
        from township.documents.types import register_document_type
        from township.org.roles import Role, grant

        # The back office owns what a warning on an application means: it replaces the plain registration.
        register_case_type(Application, on_warning=application_warnings)
        register_document_type("licence", _("Approval decision"), "XK")
        register_document_type("denial", _("Decision not to approve"), "BXK")

        def start_review_later(application_id):
            from approvals.tasks import start_review_task

            start_review_task.delay(application_id)

        if start_review_later.__name__ not in {hook.__name__ for hook in ACCEPTANCE_HOOKS}:
            ACCEPTANCE_HOOKS.append(start_review_later)

        reviewers = (Role.APPROVER, Role.CHIEF_REPRESENTATIVE, Role.DEPARTMENT_HEAD)
        for role in reviewers:
            grant(
                role,
                "approvals.view_reviewcase",
                "approvals.view_reviewtask",
                "approvals.view_supplementrequest",
                "approvals.view_extensionrequest",
            )
        grant(
            Role.DEPARTMENT_HEAD,
            "approvals.view_absence",
            "approvals.add_absence",
            "approvals.change_absence",
            "approvals.delete_absence",
        )
        grant(Role.COMMAND_CENTRE, "approvals.view_reviewcase", "approvals.view_reviewtask")
        for role in (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN):
            grant(
                role,
                "approvals.view_reviewcase",
                "approvals.view_reviewstep",
                "approvals.add_reviewstep",
                "approvals.change_reviewstep",
                "approvals.delete_reviewstep",
                "approvals.view_absence",
                "approvals.add_absence",
                "approvals.change_absence",
                "approvals.delete_absence",
            )
        supervisors = {Role.COMMAND_CENTRE, Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN, Role.DEPARTMENT_HEAD}
        nav.register(_("Supervision"), "approvals-supervision", roles=supervisors, order=60)
        nav.register(_("Inbox"), "approvals-inbox", roles=set(Role), order=5)
