"""Services: queue reads for the kiosk, the hall display, the workbench panel and the waiting statistics.
Statistics are computed by PostgreSQL (aggregates and percentiles), never by looping over tickets."""

from __future__ import annotations

from django.db.models import Aggregate, Avg, Count, DurationField, ExpressionWrapper, F, FloatField, Q
from django.db.models.functions import Extract, ExtractHour
from django.utils import timezone

from services.models import QueueTicket, TicketStatus

T = TicketStatus


class Percentile(Aggregate):
    """percentile_cont(p) WITHIN GROUP (ORDER BY expr), PostgreSQL's continuous percentile."""

    function = "percentile_cont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, percentile: float, **extra):
        super().__init__(expression, percentile=float(percentile), **extra)


def _seconds(later: str, earlier: str):
    return Extract(ExpressionWrapper(F(later) - F(earlier), output_field=DurationField()), "epoch")


def waiting_tickets(township, day=None):
    """Waiting tickets in the order they will be called."""
    day = day or timezone.localdate()
    return QueueTicket.objects.filter(township=township, service_date=day, status=T.WAITING).order_by(
        "-priority", "issued_at", "pk"
    )


def people_ahead(ticket: QueueTicket) -> int:
    return (
        QueueTicket.objects.filter(
            township_id=ticket.township_id, service_date=ticket.service_date, status=T.WAITING
        )
        .filter(Q(priority__gt=ticket.priority) | Q(priority=ticket.priority, issued_at__lt=ticket.issued_at))
        .count()
    )


def recently_called(township, day=None, limit: int = 8):
    day = day or timezone.localdate()
    return (
        QueueTicket.objects.filter(township=township, service_date=day, called_at__isnull=False)
        .filter(status__in=[T.CALLED, T.SERVING, T.DONE])
        .select_related("window")
        .order_by("-called_at")[:limit]
    )


def queue_statistics(township, date_from, date_to) -> dict:
    """Issued, served, skipped, waiting; average and 90th-percentile wait and average service time, in
    minutes; per window and per hour of issue. One query per table shown."""
    tickets = QueueTicket.objects.filter(township=township, service_date__range=(date_from, date_to))
    wait = _seconds("called_at", "issued_at")
    service = _seconds("finished_at", "called_at")
    called = Q(called_at__isnull=False)
    done = Q(status=T.DONE, finished_at__isnull=False)
    totals = tickets.aggregate(
        issued=Count("pk"),
        served=Count("pk", filter=Q(status=T.DONE)),
        skipped=Count("pk", filter=Q(status=T.SKIPPED)),
        waiting=Count("pk", filter=Q(status=T.WAITING)),
        appointments=Count("pk", filter=Q(kind="appointment")),
        avg_wait=Avg(wait, filter=called),
        p90_wait=Percentile(wait, 0.9, filter=called),
        avg_service=Avg(service, filter=done),
    )
    per_window = list(
        tickets.filter(window__isnull=False)
        .values("window__number")
        .annotate(
            served=Count("pk", filter=Q(status=T.DONE)),
            skipped=Count("pk", filter=Q(status=T.SKIPPED)),
            avg_wait=Avg(wait, filter=called),
            avg_service=Avg(service, filter=done),
        )
        .order_by("window__number")
    )
    per_hour = list(
        tickets.annotate(hour=ExtractHour("issued_at", tzinfo=timezone.get_current_timezone()))
        .values("hour")
        .annotate(issued=Count("pk"), avg_wait=Avg(wait, filter=called))
        .order_by("hour")
    )

    def minutes(value):
        return None if value is None else round(float(value) / 60, 1)

    for key in ("avg_wait", "p90_wait", "avg_service"):
        totals[key] = minutes(totals[key])
    for row in per_window + per_hour:
        for key in ("avg_wait", "avg_service"):
            if key in row:
                row[key] = minutes(row[key])
    return {"totals": totals, "per_window": per_window, "per_hour": per_hour}
