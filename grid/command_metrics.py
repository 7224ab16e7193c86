"""What the grid events and the 12345 work orders put on the command centre's dashboard: daily counts
(rolled up nightly) and tiles, through command_center.metrics (called from GridConfig.ready()).

Grid events, the published formulas of grid.events.kpis (their row conditions are shared from there):
    registration rate     = registered (registered_at on the day) ÷ received (reported_at on the day)
    on-time closure rate  = closed on time ÷ due (the events whose handling due date is the day)
    rework rate           = failed checks of the events due ÷ due
12345 work orders:
    sign-for rate         = signed for ÷ dispatched (by the day of the latest dispatch)
    reply on time         = replied by the reply limit ÷ orders whose reply limit is the day
    satisfaction          = satisfied or basically satisfied ÷ follow-up calls on the day
The due-date counts are kept per handling department, so the dashboard breaks them down by department
and a rating scheme can score units on them.
"""

from __future__ import annotations

from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from command_center import metrics as m
from grid.events.kpis import CLOSED_ON_TIME, IN_DUE_COHORT
from grid.models import OPEN_STATES, GridEvent
from grid.models.hotline import FollowUpResult, HotlineOrder, HotlineStatus
from township.casework.models import WarningLevel

DEPARTMENT = {"dimension": "department", "dimension_path": "department_id"}


def register_grid_metrics() -> None:
    m.register_loop("grid", _("Grid"), order=30)
    m.register_loop("hotline", _("12345 hotline"), order=40)
    for count in (
        m.DailyCount(
            "grid.received",
            model=GridEvent,
            date_field="reported_at",
            description=_("grid events reported on the day (受理数)"),
        ),
        m.DailyCount(
            "grid.registered",
            model=GridEvent,
            date_field="registered_at",
            description=_("grid events verified and registered on the day (立案数)"),
        ),
        m.DailyCount(
            "grid.due",
            model=GridEvent,
            date_field="due_at",
            due_date=True,
            filter=IN_DUE_COHORT,
            description=_("grid events whose handling due date is the day (应结案数)"),
            **DEPARTMENT,
        ),
        m.DailyCount(
            "grid.closed_on_time",
            model=GridEvent,
            date_field="due_at",
            due_date=True,
            filter=IN_DUE_COHORT & CLOSED_ON_TIME,
            description=_("of those, closed by their due time (按期结案数)"),
            **DEPARTMENT,
        ),
        m.DailyCount(
            "grid.rework",
            model=GridEvent,
            date_field="due_at",
            due_date=True,
            filter=IN_DUE_COHORT,
            value=Coalesce(Sum("rework_count"), Value(0)),
            description=_("failed checks of the events due on the day (返工数)"),
            **DEPARTMENT,
        ),
        m.DailyCount(
            "hotline.dispatched",
            model=HotlineOrder,
            date_field="assigned_at",
            description=_("12345 work orders dispatched to a unit on the day (latest dispatch)"),
            **DEPARTMENT,
        ),
        m.DailyCount(
            "hotline.signed",
            model=HotlineOrder,
            date_field="assigned_at",
            filter=Q(signed_at__isnull=False, signed_at__gte=F("assigned_at")),
            description=_("of those, signed for by the unit (签收)"),
            **DEPARTMENT,
        ),
        m.DailyCount(
            "hotline.reply_due",
            model=HotlineOrder,
            date_field="due_at",
            due_date=True,
            filter=Q(clock_started_at__isnull=False),
            description=_("12345 work orders whose reply limit is the day"),
            **DEPARTMENT,
        ),
        m.DailyCount(
            "hotline.replied_on_time",
            model=HotlineOrder,
            date_field="due_at",
            due_date=True,
            filter=Q(
                clock_started_at__isnull=False,
                status__in=[HotlineStatus.REPLIED, HotlineStatus.CLOSED],
                replied_at__lte=F("due_at"),
            ),
            description=_("of those, replied to the caller by the limit"),
            **DEPARTMENT,
        ),
        m.DailyCount(
            "hotline.followed_up",
            model=HotlineOrder,
            date_field="followed_up_at",
            filter=~Q(follow_up_result=""),
            description=_("follow-up calls on the day (回访)"),
            **DEPARTMENT,
        ),
        m.DailyCount(
            "hotline.satisfied",
            model=HotlineOrder,
            date_field="followed_up_at",
            filter=Q(follow_up_result__in=[FollowUpResult.SATISFIED, FollowUpResult.BASICALLY]),
            description=_("of those, satisfied or basically satisfied"),
            **DEPARTMENT,
        ),
    ):
        m.register_count(count)

    m.register_open_count(
        m.OpenCount(
            "grid.open_overdue",
            model=GridEvent,
            filter=Q(
                status__in=sorted(OPEN_STATES), warning_level=WarningLevel.RED, clock_stopped_at__isnull=True
            ),
            description=_("open grid events past their handling limit now (red)"),
            **DEPARTMENT,
        )
    )
    m.register_open_count(
        m.OpenCount(
            "hotline.waiting",
            model=HotlineOrder,
            filter=Q(status__in=[HotlineStatus.RECEIVED, HotlineStatus.RETURNED]),
            description=_("work orders received or sent back, not yet with a unit, now"),
        )
    )
    for tile in (
        m.Tile(
            "grid.received",
            _("Events reported"),
            loop="grid",
            metric="grid.received",
            formula=_("grid events reported in the period (受理数)"),
            trend=True,
            order=10,
        ),
        m.Tile(
            "grid.registration_rate",
            _("Registration rate"),
            loop="grid",
            numerator="grid.registered",
            denominator="grid.received",
            unit="percent",
            formula=_("registered ÷ received in the period (立案数 ÷ 受理数)"),
            order=20,
        ),
        m.Tile(
            "grid.on_time_rate",
            _("On-time closure rate"),
            loop="grid",
            numerator="grid.closed_on_time",
            denominator="grid.due",
            unit="percent",
            formula=_("closed on time ÷ events due in the period, whenever reported (按期结案数 ÷ 应结案数)"),
            trend=True,
            breakdown=True,
            order=30,
        ),
        m.Tile(
            "grid.rework_rate",
            _("Rework rate"),
            loop="grid",
            numerator="grid.rework",
            denominator="grid.due",
            unit="percent",
            formula=_("failed checks ÷ events due in the period (返工数 ÷ 应结案数)"),
            breakdown=True,
            lower_is_better=True,
            order=40,
        ),
        m.Tile(
            "grid.overdue",
            _("Overdue events"),
            loop="grid",
            open="grid.open_overdue",
            formula=_("open grid events past their handling limit now (red)"),
            order=50,
        ),
        m.Tile(
            "hotline.sign_rate",
            _("Sign-for rate"),
            loop="hotline",
            numerator="hotline.signed",
            denominator="hotline.dispatched",
            unit="percent",
            formula=_("signed for by the unit ÷ dispatched in the period (签收率)"),
            breakdown=True,
            order=10,
        ),
        m.Tile(
            "hotline.reply_on_time",
            _("Replied on time"),
            loop="hotline",
            numerator="hotline.replied_on_time",
            denominator="hotline.reply_due",
            unit="percent",
            formula=_("replied by the limit ÷ orders whose reply limit falls in the period"),
            trend=True,
            breakdown=True,
            order=20,
        ),
        m.Tile(
            "hotline.satisfaction",
            _("Satisfaction"),
            loop="hotline",
            numerator="hotline.satisfied",
            denominator="hotline.followed_up",
            unit="percent",
            formula=_("satisfied or basically satisfied ÷ follow-up calls in the period (满意率)"),
            breakdown=True,
            order=30,
        ),
        m.Tile(
            "hotline.waiting",
            _("Waiting for dispatch"),
            loop="hotline",
            open="hotline.waiting",
            formula=_("work orders received or sent back, not yet with a unit, now"),
            order=40,
        ),
    ):
        m.register_tile(tile)
