"""The cases' registrations, called from EnforcementConfig.ready()."""

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    from enforcement.cases.documents import register_types  # noqa: PLC0415 - app registry must be ready
    from enforcement.cases.selectors import case_handlers, describe_warning  # noqa: PLC0415 - same
    from enforcement.models.cases import WORKFLOW, EnforcementCase  # noqa: PLC0415 - same
    from township import nav  # noqa: PLC0415 - same
    from township.casework.registry import Escalation, register_case_type  # noqa: PLC0415 - same
    from township.org.roles import Role, grant  # noqa: PLC0415 - same

    register_case_type(
        EnforcementCase,
        workflow=WORKFLOW,
        label=_("Enforcement case"),
        url_name="enforcement-case",
        escalation=Escalation(
            handlers=case_handlers,
            describe=describe_warning,
            describe_deadline=describe_warning,
            fields=("number",),
        ),
        number_series="ZF",
    )
    register_types()
    # clues other loops hand over
    from enforcement.cases.handoffs import clue_from_inspection  # noqa: PLC0415 - same
    from enforcement.inspections.hooks import set_clue_handler  # noqa: PLC0415 - same

    set_clue_handler(clue_from_inspection)
    from enforcement.cases.handoffs import clue_from_grid_event  # noqa: PLC0415 - same
    from grid.events.services import set_enforcement_clue_hook  # noqa: PLC0415 - same

    set_enforcement_clue_hook(clue_from_grid_event)
    from enforcement.cases.handoffs import clue_from_hotline_order  # noqa: PLC0415 - same
    from grid.channels.hotline import set_hotline_clue_hook  # noqa: PLC0415 - same

    set_hotline_clue_hook(clue_from_hotline_order)
    nav.register(
        _("My enforcement cases"), "enforcement-my-cases", roles={Role.ENFORCEMENT_OFFICER}, order=20
    )
    nav.register(_("Legal review queue"), "enforcement-review-queue", roles={Role.LEGAL_REVIEWER}, order=21)
    nav.register(_("Enforcement approvals"), "enforcement-head-queue", roles={Role.DEPARTMENT_HEAD}, order=22)
    models = (
        "enforcementcase",
        "evidenceitem",
        "investigationrecord",
        "legalreview",
        "publication",
        "officercredential",
    )
    for role in (Role.ENFORCEMENT_OFFICER, Role.LEGAL_REVIEWER, Role.DEPARTMENT_HEAD):
        grant(
            role,
            *(f"enforcement.view_{m}" for m in models),
            "documents.view_issueddocument",
            "casework.view_timelineentry",
        )
    for role in (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN):
        grant(
            role,
            "enforcement.view_enforcementcase",
            "enforcement.view_publication",
            "enforcement.view_officercredential",
            "enforcement.add_officercredential",
            "enforcement.change_officercredential",
        )
