"""What enforcement, the random inspections and the credit records put on the command centre's dashboard:
daily counts (rolled up) and open counts (the snapshot), through command_center.metrics (called from
EnforcementConfig.ready()). Fine totals are never a figure here: a unit is not judged by what it fines.

Enforcement cases, now:      cases by stage (clue, investigation, penalty, execution, closing), overdue
                             (an open time limit past due, red), legal reviews pending (the current
                             proposal not reviewed yet: the legal reviewer's queue)
Enforcement cases, period:   registered (立案), closed (结案)
Inspections:                 plans completed = plans done ÷ plans whose period ends in the period;
                             results published on time = published by the publication date ÷ results
                             whose publication date falls in the period
Credit:                      records entered (by the decision date), repairs granted, repair applications
                             waiting now
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from command_center import metrics as m
from enforcement.models import CreditRecord, CreditRepair, InspectionPlan, InspectionTask
from enforcement.models.cases import CaseStatus, EnforcementCase, LegalReview
from enforcement.models.credit import CreditSource, RepairStatus
from enforcement.models.inspections import PlanStatus, TaskStatus
from township.casework.models import Deadline, WarningLevel

S = CaseStatus
DEPARTMENT = {"dimension": "department", "dimension_path": "department_id"}

# the stages of an open case, as the dashboard groups them
STAGES = (
    ("clue", _("Clues being checked"), [S.CLUE, S.REGISTRATION_PENDING]),
    ("investigation", _("Under investigation"), [S.INVESTIGATING]),
    ("penalty", _("Penalty being decided"), [S.PROPOSED, S.NOTIFIED, S.HEARING, S.HEARD]),
    ("execution", _("Decided, being executed"), [S.DECIDED, S.SERVED, S.COURT, S.TRANSFERRED]),
    ("closing", _("Closing awaiting the head"), [S.CLOSING]),
)
OPEN = [status for _key, _label, statuses in STAGES for status in statuses]
REVIEW_STATES = [S.PROPOSED, S.NOTIFIED, S.HEARD]


def overdue_cases() -> Q:
    """Open cases with an open time limit past due (a red Deadline of the case)."""
    red = Deadline.objects.filter(
        content_type__app_label=EnforcementCase._meta.app_label,
        content_type__model=EnforcementCase._meta.model_name,
        object_id=OuterRef("pk"),
        clock_stopped_at__isnull=True,
        warning_level=WarningLevel.RED,
    )
    return Q(Exists(red), status__in=OPEN)


def review_pending() -> Q:
    """The legal reviewer's queue (enforcement.cases.selectors.review_queue): a current proposal that
    has no review outcome yet."""
    reviewed = LegalReview.objects.filter(case=OuterRef("pk"), proposal=OuterRef("current_proposal"))
    return Q(~Exists(reviewed), status__in=REVIEW_STATES, current_proposal__isnull=False)


def register_enforcement_metrics() -> None:
    m.register_loop("enforcement", _("Enforcement"), order=50)
    m.register_loop("inspections", _("Random inspections"), order=60)
    m.register_loop("credit", _("Credit"), order=70)

    stages = [
        m.OpenCount(
            f"enforcement.stage.{key}", model=EnforcementCase, filter=Q(status__in=statuses), **DEPARTMENT
        )
        for key, _label, statuses in STAGES
    ]
    for count in (
        *stages,
        m.OpenCount(
            "enforcement.overdue",
            model=EnforcementCase,
            filter=overdue_cases(),
            description=_("open cases with a time limit past due now"),
            **DEPARTMENT,
        ),
        m.OpenCount(
            "enforcement.review_pending",
            model=EnforcementCase,
            filter=review_pending(),
            description=_("penalty proposals waiting for the legal review now"),
            **DEPARTMENT,
        ),
        m.OpenCount(
            "credit.repairs_waiting",
            model=CreditRepair,
            filter=Q(status=RepairStatus.SUBMITTED),
            dimension="department",
            dimension_path="record__department_id",
            description=_("credit repair applications not decided yet"),
        ),
    ):
        m.register_open_count(count)
    plan_department = {"dimension": "department", "dimension_path": "lead_department_id"}
    task_department = {"dimension": "department", "dimension_path": "draw__plan__lead_department_id"}
    in_publication_cohort = Q(publish_by__isnull=False) & ~Q(status=TaskStatus.CANCELLED)
    for count in (
        m.DailyCount(
            "enforcement.registered",
            model=EnforcementCase,
            date_field="registered_at",
            description=_("enforcement cases registered on the day (立案数)"),
            **DEPARTMENT,
        ),
        m.DailyCount(
            "enforcement.closed",
            model=EnforcementCase,
            date_field="closed_at",
            filter=Q(status__in=[S.CLOSED, S.ARCHIVED]),
            description=_("enforcement cases closed on the day (结案数)"),
            **DEPARTMENT,
        ),
        m.DailyCount(
            "inspections.plans_due",
            model=InspectionPlan,
            date_field="ends_on",
            description=_("inspection plans whose period ends on the day"),
            **plan_department,
        ),
        m.DailyCount(
            "inspections.plans_done",
            model=InspectionPlan,
            date_field="ends_on",
            filter=Q(status=PlanStatus.DONE),
            description=_("of those, completed"),
            **plan_department,
        ),
        m.DailyCount(
            "inspections.results_due",
            model=InspectionTask,
            date_field="publish_by",
            filter=in_publication_cohort,
            description=_("inspection results whose publication date is the day"),
            **task_department,
        ),
        m.DailyCount(
            "inspections.published_on_time",
            model=InspectionTask,
            date_field="publish_by",
            filter=in_publication_cohort & Q(published_at__date__lte=F("publish_by")),
            description=_("of those, published by that date"),
            **task_department,
        ),
        m.DailyCount(
            "credit.records",
            model=CreditRecord,
            date_field="decided_on",
            filter=~Q(source=CreditSource.COMMENDATION),
            description=_("credit records of breaches entered, by the day of the decision"),
            **DEPARTMENT,
        ),
        m.DailyCount(
            "credit.repaired",
            model=CreditRecord,
            date_field="repaired_at",
            description=_("credit records repaired on the day"),
            **DEPARTMENT,
        ),
    ):
        m.register_count(count)

    tiles = [
        m.Tile(
            f"enforcement.stage.{key}",
            label,
            loop="enforcement",
            open=f"enforcement.stage.{key}",
            formula=_("open cases at this stage now"),
            breakdown=True,
            order=10 + n,
        )
        for n, (key, label, _statuses) in enumerate(STAGES)
    ]
    tiles += [
        m.Tile(
            "enforcement.overdue",
            _("Overdue cases"),
            loop="enforcement",
            open="enforcement.overdue",
            formula=_("open cases with a time limit past due now (red)"),
            breakdown=True,
            order=30,
        ),
        m.Tile(
            "enforcement.review_pending",
            _("Legal reviews pending"),
            loop="enforcement",
            open="enforcement.review_pending",
            formula=_("penalty proposals not yet reviewed by the legal reviewer, now"),
            order=31,
        ),
        m.Tile(
            "enforcement.registered",
            _("Cases registered"),
            loop="enforcement",
            metric="enforcement.registered",
            formula=_("enforcement cases registered in the period (立案数)"),
            trend=True,
            breakdown=True,
            order=40,
        ),
        m.Tile(
            "enforcement.closed",
            pgettext_lazy("enforcement cases", "Closed"),
            loop="enforcement",
            metric="enforcement.closed",
            formula=_("enforcement cases closed in the period (结案数)"),
            breakdown=True,
            order=41,
        ),
        m.Tile(
            "inspections.plans_completed",
            _("Plans completed"),
            loop="inspections",
            numerator="inspections.plans_done",
            denominator="inspections.plans_due",
            unit="percent",
            formula=_("plans completed ÷ plans whose period ends in the period"),
            breakdown=True,
            order=10,
        ),
        m.Tile(
            "inspections.published_on_time",
            _("Results published on time"),
            loop="inspections",
            numerator="inspections.published_on_time",
            denominator="inspections.results_due",
            unit="percent",
            formula=_(
                "results published by their publication date ÷ results due for publication in the period"
            ),
            breakdown=True,
            order=20,
        ),
        m.Tile(
            "credit.records",
            _("Credit records entered"),
            loop="credit",
            metric="credit.records",
            formula=_("records of breaches entered in the period, by the day of the decision"),
            breakdown=True,
            order=10,
        ),
        m.Tile(
            "credit.repaired",
            _("Credit records repaired"),
            loop="credit",
            metric="credit.repaired",
            formula=_("credit records repaired in the period"),
            order=20,
        ),
        m.Tile(
            "credit.repairs_waiting",
            _("Repair applications waiting"),
            loop="credit",
            open="credit.repairs_waiting",
            formula=_("credit repair applications not decided yet, now"),
            order=30,
        ),
    ]
    for tile in tiles:
        m.register_tile(tile)
