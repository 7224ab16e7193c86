from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Services")

    def ready(self):
        from services.models import Application, QueueTicket, Rectification
        from services.models.applications import WORKFLOW
        from services.models.evaluations import RECTIFICATION_WORKFLOW
        from services.models.points import VISIT_WORKFLOW, HomeVisit
        from services.models.queue import TICKET_WORKFLOW
        from services.selectors import tracking
        from services.selectors.applications import pre_review_handlers
        from services.services.messages import notify_applicant
        from services.services.terminal import terminal_area
        from township import devices, nav
        from township.casework.registry import register_case_type
        from township.casework.timeline import timeline_appended
        from township.casework.workflow import case_transitioned
        from township.documents.types import register_document_type

        register_case_type(
            Application,
            workflow=WORKFLOW,
            label=_("Application"),
            number_series="SQ",
            deadline_handlers={"pre-review": pre_review_handlers},
        )
        register_case_type(
            Rectification,
            workflow=RECTIFICATION_WORKFLOW,
            label=_("Rectification"),
            url_name="services-rectification",
        )
        register_case_type(QueueTicket, workflow=TICKET_WORKFLOW, label=_("Queue ticket"))
        register_case_type(
            HomeVisit,
            workflow=VISIT_WORKFLOW,
            label=_("Home visit"),
            url_name="services-home-visit",
            number_series="SM",
        )
        # self-service terminals sign in with accounts locked to the terminal's pages
        devices.register_device_accounts(terminal_area)
        # every state change of an application texts the applicant once
        case_transitioned.connect(notify_applicant, sender=Application, dispatch_uid="services.applicant-sms")
        # the cached public tracking view of an application is rebuilt after it changes
        post_save.connect(
            tracking.application_saved, sender=Application, dispatch_uid="services.tracking-saved"
        )
        timeline_appended.connect(tracking.timeline_appended, dispatch_uid="services.tracking-timeline")
        register_document_type("receipt", _("Acceptance receipt"), "SL")
        register_document_type("one_time_notice", _("One-time notice of missing materials"), "GZ")
        register_document_type("refusal", _("Notice of non-acceptance"), "BSL")
        register_document_type("receiving_receipt", _("Receipt of receiving (forwarded application)"), "SJ")
        register_document_type("handover_list", _("Hand-over list of forwarded applications"), "JJ")
        register_document_type("result_slip", _("Verification slip of a result"), "ZZ")
        register_document_type("application_proof", _("Proof of application"), "SQZM")
        from township.org.roles import Role, grant

        staff = {Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN, Role.COMMAND_CENTRE, Role.DEPARTMENT_HEAD}
        nav.register(_("Window workbench"), "services-workbench", roles={Role.WINDOW_CLERK}, order=10)
        nav.register(_("Pre-review queue"), "services-prereview", roles={Role.WINDOW_CLERK}, order=12)
        nav.register(
            _("Queue statistics"),
            "services-queue-stats",
            roles={Role.WINDOW_CLERK, *staff},
            order=40,
            needs_township=True,
        )
        nav.register(_("Results to hand over"), "services-delivery", roles={Role.WINDOW_CLERK}, order=14)
        nav.register(
            _("Window rating tablet"), "services-evaluate-window", roles={Role.WINDOW_CLERK}, order=16
        )
        nav.register(_("Ratings"), "services-ratings", roles=staff, order=45)
        nav.register(_("Forwarded papers"), "services-handovers", roles={Role.WINDOW_CLERK}, order=13)
        nav.register(
            _("Home visits"),
            "services-home-visits",
            roles={Role.WINDOW_CLERK, Role.GRID_MEMBER, Role.GRID_HEAD},
            order=17,
        )
        nav.register(_("Service points"), "services-point-stats", roles=staff, order=47, needs_township=True)
        nav.register(_("Rectifications"), "services-rectifications", roles=staff, order=46)
        nav.register(_("My applications"), "services-hall", for_residents=True, order=10)
        nav.register(_("Material library"), "services-library", for_residents=True, order=20)
        nav.register(_("Appointments"), "services-appointments", for_residents=True, order=25)
        nav.register(_("Service guide"), "services-search", for_residents=True, order=30)
        nav.register(_("Track an application"), "services-track", for_residents=True, order=40)

        catalog = [
            f"services.{action}_{model}"
            for model in ("serviceitem", "serviceitemversion", "materialrequirement", "bundle", "bundleitem")
            for action in ("view", "add", "change")
        ] + ["services.view_materialtype", "services.add_materialtype", "services.change_materialtype"]
        for role in (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN):
            grant(role, *catalog)
        # the window network: points, their staff and terminals are set up in the admin; where
        # applications were received and the hand-over lists are looked at there
        network = [
            f"services.{action}_{model}"
            for model in ("servicepoint", "pointstaff", "selfserviceterminal")
            for action in ("view", "add", "change")
        ] + [
            "services.delete_pointstaff",
            "services.view_reception",
            "services.view_handover",
            "services.view_homevisit",
        ]
        for role in (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN):
            grant(role, *network)
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
