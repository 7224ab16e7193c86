"""Grid-event KPIs with the published formulas (reference §5), per grid, village, department and period.

    立案率     registration rate    = registered ÷ received        (registered_at / reported_at in the period)
    派遣率     dispatch rate        = dispatched ÷ registered      (first dispatch in the period)
    结案率     closure rate         = closed ÷ due
    按期结案率 on-time closure rate = closed on time ÷ due
    返工率     rework rate          = rework ÷ due
    延期率     deferral rate        = deferred ÷ due

"Due" (应结案数) is the cohort of events whose handling due date falls in the period, whenever they were
reported (carried-over events included). Of that cohort: closed = closed before the period ended; closed
on time = closed by its (deferred) due time; rework = the failed checks of the cohort's events; deferred =
the cohort's events with an approved deferral. With settings.GRID_KPI_SUBTRACT_DEFERRED (Jinhua's variant)
the closure and on-time closure rates divide by (due − deferred). Self-handled events (自行处置) are
received but never registered; they are counted on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from grid.events.selectors import events_visible_to
from grid.models import DONE_STATES, EventStatus

DIMENSIONS = {
    "grid": ("grid_id", "grid__name"),
    "village": ("village_id", "village__name"),
    "department": ("department_id", "department__name"),
}


@dataclass(frozen=True)
class EventKpis:
    received: int = 0
    registered: int = 0
    dispatched: int = 0
    self_handled: int = 0
    due: int = 0
    closed: int = 0
    closed_on_time: int = 0
    rework: int = 0
    deferred: int = 0
    subtract_deferred: bool = False

    @staticmethod
    def _rate(part: int, whole: int) -> Decimal | None:
        if whole <= 0:
            return None
        return (Decimal(100) * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def closure_base(self) -> int:
        return self.due - self.deferred if self.subtract_deferred else self.due

    @property
    def registration_rate(self):
        return self._rate(self.registered, self.received)

    @property
    def dispatch_rate(self):
        return self._rate(self.dispatched, self.registered)

    @property
    def closure_rate(self):
        return self._rate(self.closed, self.closure_base)

    @property
    def on_time_closure_rate(self):
        return self._rate(self.closed_on_time, self.closure_base)

    @property
    def rework_rate(self):
        return self._rate(self.rework, self.due)

    @property
    def deferral_rate(self):
        return self._rate(self.deferred, self.due)

    def rates(self) -> dict[str, Decimal | None]:
        return {
            "registration_rate": self.registration_rate,
            "dispatch_rate": self.dispatch_rate,
            "closure_rate": self.closure_rate,
            "on_time_closure_rate": self.on_time_closure_rate,
            "rework_rate": self.rework_rate,
            "deferral_rate": self.deferral_rate,
        }


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    return (
        datetime.combine(date_from, time.min, tzinfo=zone),
        datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone),
    )


# The row conditions of the formulas, shared with the command centre's daily counts (grid.command_metrics)
# so that the dashboard and these selectors count the same events.
IN_DUE_COHORT = Q(clock_started_at__isnull=False)  # its handling clock ran: it has a due date
CLOSED_ON_TIME = Q(status__in=sorted(DONE_STATES), closed_on_time=True)


def _aggregates(start: datetime, end: datetime) -> dict:
    # A day limit's due_at is the midnight after its due date; an hour limit's an instant that day: both
    # fall in (start, end] exactly when the due date is in the period.
    due = Q(due_at__gt=start, due_at__lte=end) & IN_DUE_COHORT
    done = Q(status__in=sorted(DONE_STATES), closed_at__lt=end)
    return {
        "received": Count("pk", filter=Q(reported_at__gte=start, reported_at__lt=end)),
        "registered": Count("pk", filter=Q(registered_at__gte=start, registered_at__lt=end)),
        "dispatched": Count("pk", filter=Q(dispatched_at__gte=start, dispatched_at__lt=end)),
        "self_handled": Count(
            "pk", filter=Q(status=EventStatus.SELF_HANDLED, reported_at__gte=start, reported_at__lt=end)
        ),
        "due": Count("pk", filter=due),
        "closed": Count("pk", filter=due & done),
        "closed_on_time": Count("pk", filter=due & done & CLOSED_ON_TIME),
        "rework": Coalesce(Sum("rework_count", filter=due), 0),
        "deferred": Count("pk", filter=due & Q(deferral_count__gt=0)),
    }


def _scoped(user, *, grid_id=None, village_id=None, department_id=None):
    queryset = events_visible_to(user)
    if grid_id:
        queryset = queryset.filter(grid_id=grid_id)
    if village_id:
        queryset = queryset.filter(village_id=village_id)
    if department_id:
        queryset = queryset.filter(department_id=department_id)
    return queryset


def event_kpis(
    user,
    *,
    date_from: date,
    date_to: date,
    grid_id: int | None = None,
    village_id: int | None = None,
    department_id: int | None = None,
    subtract_deferred: bool | None = None,
) -> EventKpis:
    """The KPIs of the events the user may see, for a period (both days included), in one query."""
    start, end = _bounds(date_from, date_to)
    subtract = settings.GRID_KPI_SUBTRACT_DEFERRED if subtract_deferred is None else subtract_deferred
    row = _scoped(user, grid_id=grid_id, village_id=village_id, department_id=department_id).aggregate(
        **_aggregates(start, end)
    )
    return EventKpis(**row, subtract_deferred=subtract)


def event_kpis_by(
    user, *, dimension: str, date_from: date, date_to: date, subtract_deferred: bool | None = None
) -> list[tuple[int | None, str, EventKpis]]:
    """The KPIs per grid, village or department (handling department: timeliness per handler), in one query."""
    key, label = DIMENSIONS[dimension]
    start, end = _bounds(date_from, date_to)
    subtract = settings.GRID_KPI_SUBTRACT_DEFERRED if subtract_deferred is None else subtract_deferred
    rows = (
        events_visible_to(user)
        .order_by()
        .values(key, label)
        .annotate(**_aggregates(start, end))
        .order_by(label)
    )
    result = []
    for row in rows:
        ident, name = row.pop(key), row.pop(label)
        kpis = EventKpis(**row, subtract_deferred=subtract)
        if any((kpis.received, kpis.registered, kpis.dispatched, kpis.due)):
            result.append((ident, name or "", kpis))
    return result
