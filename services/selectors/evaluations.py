"""Services: ratings of windows, clerks and departments, and the rectifications a user may handle;
all counted by PostgreSQL."""

from __future__ import annotations

from django.db.models import Avg, Case, Count, F, IntegerField, Q, QuerySet, When

from services.models import BAD_LEVELS, Evaluation, Rectification, RectificationStatus
from township.org.roles import Role, roles_of

GOOD = Q(level__gte=3)
BAD = Q(level__in=list(BAD_LEVELS))


def _measures() -> dict:
    return {
        "total": Count("pk"),
        "very_satisfied": Count("pk", filter=Q(level=5)),
        "satisfied": Count("pk", filter=Q(level=4)),
        "basically": Count("pk", filter=Q(level=3)),
        "dissatisfied": Count("pk", filter=Q(level=2)),
        "very_dissatisfied": Count("pk", filter=Q(level=1)),
        "bad": Count("pk", filter=BAD),
        "good": Count("pk", filter=GOOD),
        "average": Avg("level"),
        "open_rectifications": Count(
            "rectification",
            filter=Q(rectification__status__in=[RectificationStatus.OPEN, RectificationStatus.RECTIFIED]),
        ),
    }


def _finish(row: dict) -> dict:
    row["satisfaction"] = round(100 * row["good"] / row["total"], 1) if row["total"] else None
    row["average"] = round(float(row["average"]), 2) if row["average"] is not None else None
    return row


def _rated(queryset, group_by: list[str]) -> list[dict]:
    return [_finish(row) for row in queryset.values(*group_by).annotate(**_measures()).order_by(*group_by)]


def ratings(township, date_from, date_to) -> dict:
    """Per window, per clerk and per department, with counts per level and the satisfaction rate."""
    evaluations = Evaluation.objects.filter(
        township=township, created_at__date__gte=date_from, created_at__date__lte=date_to
    )
    return {
        "totals": _finish(evaluations.aggregate(**_measures())),
        "per_window": _rated(evaluations.filter(window__isnull=False), ["window__number"]),
        "per_clerk": _rated(
            evaluations.filter(clerk__isnull=False), ["clerk__first_name", "clerk__username"]
        ),
        "per_department": _rated(evaluations.filter(department__isnull=False), ["department__name"]),
    }


def rectifications_visible_to(user) -> QuerySet[Rectification]:
    """The township's rectifications (a department head: their department's), open and overdue first."""
    queryset = (
        Rectification.objects.visible_to(user)
        .select_related("evaluation", "department", "evaluation__application", "evaluation__window")
        .annotate(
            open_first=Case(
                When(status=RectificationStatus.OPEN, then=0),
                When(status=RectificationStatus.RECTIFIED, then=1),
                default=2,
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", F("due_at").asc(nulls_last=True), "-created_at")
    )
    roles = roles_of(user)
    if Role.DEPARTMENT_HEAD in roles and not roles & {
        Role.TOWNSHIP_ADMIN,
        Role.COUNTY_ADMIN,
        Role.COMMAND_CENTRE,
    }:
        department_id = getattr(getattr(user, "staff_profile", None), "department_id", None)
        # A head without a department sees none (not the window visits' department-less ones).
        queryset = queryset.filter(department_id=department_id) if department_id else queryset.none()
    return queryset
