from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from approvals.warnings import APPLICATION_ESCALATION
        from services.models import Application
        from services.signals import application_accepted
        from township import nav
        from township.casework.registry import register_case_type
        from township.documents.types import register_document_type
        from township.org.roles import Role, grant

        # The back office knows who handles an application and where its page is; the kernel escalates.
        register_case_type(
            Application, url_name="admin:approvals_reviewcase_change", escalation=APPLICATION_ESCALATION
        )
        # A licensing item is decided by a licensing decision (Administrative Licensing Law art. 38);
        # a benefit, confirmation or public service by a notice of the result.
        register_document_type("licence", _("Approval decision"), "XK")
        register_document_type("denial", _("Decision not to approve"), "BXK")
        register_document_type("approval", _("Notice of approval"), "ZY")
        register_document_type("rejection", _("Notice of rejection"), "BY")

        def start_review_later(sender, *, application_id, **kwargs):
            from approvals.tasks import start_review_task  # tasks import models: not before ready()

            start_review_task.delay(application_id)

        application_accepted.connect(start_review_later, dispatch_uid="approvals.start_review")

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
