"""Services: reads of the window network for pages and the command centre: a township's points, a
point's forwarded papers, hand-over lists waiting at the hall, home visits, and the statistics per point."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet

from services.models import Handover, HomeVisit, PointKind, Reception, ServicePoint, VisitStatus
from township.org.models import Township
from township.org.scope import visible_to


def points_visible_to(user) -> QuerySet[ServicePoint]:
    return visible_to(ServicePoint.objects.select_related("village", "township"), user)


def points_of_township(township) -> QuerySet[ServicePoint]:
    """A township's active points, the hall first: what a service guide lists as places."""
    return ServicePoint.objects.filter(township=township, is_active=True).order_by("kind", "code")


def handovers_awaiting_receipt(user) -> QuerySet[Handover]:
    """Hand-over lists sent to the hall of the user's township whose papers have not been signed for."""
    return (
        visible_to(Handover.objects.all(), user)
        .filter(received_at__isnull=True)
        .select_related("point", "document", "created_by")
        .annotate(count=Count("receptions"))
        .order_by("created_at")
    )


def recent_handovers(user, limit: int = 20) -> QuerySet[Handover]:
    return (
        visible_to(Handover.objects.all(), user)
        .select_related("point", "document", "created_by", "received_by")
        .annotate(count=Count("receptions"))
        .order_by("-created_at")[:limit]
    )


def home_visits_visible_to(user) -> QuerySet[HomeVisit]:
    """The point's visits for its staff and the township's staff; a grid member sees the ones given to
    them (data scope: self)."""
    return (
        HomeVisit.objects.visible_to(user)
        .select_related("point", "item__current_version", "assigned_to", "application")
        .order_by("status", "scheduled_for", "requested_at")
    )


def open_home_visits(user) -> QuerySet[HomeVisit]:
    return home_visits_visible_to(user).filter(status__in=[VisitStatus.REQUESTED, VisitStatus.SCHEDULED])


@dataclass(frozen=True)
class PointFigures:
    """One row of `point_statistics`: the figures of one service point over the period asked for.

    received               applications received at the point (accepted there + forwarded)
    accepted_here          accepted at the point itself (village-level items; the hall's own intake)
    forwarded              received and forwarded to the hall (代收代办)
    forwarded_accepted     forwarded ones the hall has accepted so far
    waiting_at_hall        forwarded ones still waiting for the hall (submitted, not accepted)
    mean_forward_to_accept mean time from receipt at the point to acceptance at the hall, over the
                           forwarded-and-accepted ones (None when there are none); `mean_hours` rounds it
    """

    point: ServicePoint
    received: int
    accepted_here: int
    forwarded: int
    forwarded_accepted: int
    waiting_at_hall: int
    mean_forward_to_accept: timedelta | None

    @property
    def mean_hours(self) -> float | None:
        if self.mean_forward_to_accept is None:
            return None
        return round(self.mean_forward_to_accept.total_seconds() / 3600, 1)


def point_statistics(township: Township, *, since: datetime, until: datetime) -> list[PointFigures]:
    """Applications received per point in [since, until): accepted at the point vs forwarded, forwarded
    ones the hall has accepted, those still waiting, and the mean time from forwarding to acceptance.

    The stable read for the command centre and the township's statistics page (docs/service-points.md):
    every active point of the township, the hall first, each as a `PointFigures`, zeros included. The
    period counts by the time of receipt at the point (`Reception.received_at`, the application's
    receipt time); `since` and `until` are aware datetimes. The caller decides who may see the township
    (scope it with township.org.scope first). Two queries, whatever the number of rows: one grouped
    query over the receptions (indexed by point and time) and the points themselves."""
    waited = ExpressionWrapper(F("application__accepted_at") - F("received_at"), output_field=DurationField())
    rows = {
        row["point"]: row
        for row in Reception.objects.filter(
            point__township=township, received_at__gte=since, received_at__lt=until
        )
        .values("point")
        .annotate(
            received=Count("pk"),
            forwarded=Count("pk", filter=Q(is_forwarded=True)),
            forwarded_accepted=Count(
                "pk", filter=Q(is_forwarded=True, application__accepted_at__isnull=False)
            ),
            waiting=Count(
                "pk",
                filter=Q(
                    is_forwarded=True, application__accepted_at__isnull=True, application__status="submitted"
                ),
            ),
            mean_wait=Avg(waited, filter=Q(is_forwarded=True, application__accepted_at__isnull=False)),
        )
    }
    figures = []
    for point in points_of_township(township).select_related("village"):
        row = rows.get(point.pk, {})
        received, forwarded = row.get("received", 0), row.get("forwarded", 0)
        figures.append(
            PointFigures(
                point=point,
                received=received,
                accepted_here=received - forwarded,
                forwarded=forwarded,
                forwarded_accepted=row.get("forwarded_accepted", 0),
                waiting_at_hall=row.get("waiting", 0),
                mean_forward_to_accept=row.get("mean_wait"),
            )
        )
    return figures


def village_points(township) -> QuerySet[ServicePoint]:
    return points_of_township(township).filter(kind=PointKind.VILLAGE)


__all__ = [
    "PointFigures",
    "handovers_awaiting_receipt",
    "home_visits_visible_to",
    "open_home_visits",
    "point_statistics",
    "points_of_township",
    "points_visible_to",
    "recent_handovers",
    "village_points",
]
