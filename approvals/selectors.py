"""Approvals: read queries scoped to the user, reused by pages, API and dashboard (e-supervision)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, BigIntegerField, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Cast, Extract
from guardian.models import UserObjectPermission

from approvals.models import ReviewCase, ReviewTask, TaskStatus
from services.models import Application, ApplicationStatus
from services.selectors.applications import applications_visible_to
from township.casework.models import WarningLevel
from township.org.scope import ScopeKind, data_scope, visible_to

S = ApplicationStatus
OPEN = [S.ACCEPTED, S.IN_REVIEW, S.SUPPLEMENT]
DECIDED = [S.APPROVED, S.DENIED, S.RESULT_READY, S.DELIVERED]


BACK_OFFICE_STATES = [*OPEN, *DECIDED, S.WITHDRAWN]


def review_cases_for(user):
    """The back office's work list: what the user's data scope holds (a department its own and its
    sub-units'; township-wide roles the township's), plus applications of other departments in which the
    user's department has a step or the user was given object permission (django-guardian); most urgent
    first."""
    queryset = ReviewCase.objects.filter(status__in=BACK_OFFICE_STATES, accepted_at__isnull=False)
    scope = data_scope(user)
    if scope.kind != ScopeKind.DEPARTMENT:
        return visible_to(queryset, user).order_by("-warning_level", "due_at", "pk")
    departments = sorted(scope.department_ids)
    # Applications of other departments this user's department has a step in, or the user was given: few,
    # so fetched as ids in one query (two small index scans and the primary key), which lets the planner use the department's
    # work-list index for the rest.
    granted = (
        UserObjectPermission.objects.filter(
            user=user,
            permission__codename="view_application",
            content_type=ContentType.objects.get_for_model(Application),
        )
        .annotate(application_id=Cast("object_pk", BigIntegerField()))
        .values_list("application_id", flat=True)
    )
    steps_elsewhere = ReviewTask.objects.filter(
        department_id__in=departments, crosses_department=True
    ).values_list("application_id", flat=True)
    extra = list(
        Application.objects.filter(pk__in=steps_elsewhere.union(granted))
        .exclude(department_id__in=departments)
        .values_list("pk", flat=True)[:5000]
    )
    condition = (
        Q(department_id__in=departments) | Q(pk__in=extra) if extra else Q(department_id__in=departments)
    )
    return (
        queryset.filter(township_id=scope.township_id)
        .filter(condition)
        .order_by("-warning_level", "due_at", "pk")
    )


def _days(later: str, earlier: str):
    return Extract(ExpressionWrapper(F(later) - F(earlier), output_field=DurationField()), "epoch") / 86400.0


def overdue_applications(user):
    """Open applications past their promised date, the longest overdue first."""
    return (
        applications_visible_to(user)
        .filter(status__in=OPEN, warning_level=WarningLevel.RED, parent__isnull=True)
        .order_by("due_at")
    )


def time_against_limit_per_item(user, date_from, date_to) -> list[dict]:
    """Per item, decisions in the period: how many, average days taken, within the promised limit,
    and how many needed an extension or a supplement. One grouped query."""
    decided = applications_visible_to(user).filter(
        status__in=DECIDED,
        finished_at__date__gte=date_from,
        finished_at__date__lte=date_to,
        item__isnull=False,
    )
    rows = (
        decided.values("item_version__name", "item_version__promised_limit_days")
        .annotate(
            decided=Count("pk", distinct=True),
            on_time=Count("pk", filter=Q(finished_at__lte=F("due_at")), distinct=True),
            average_days=Avg(_days("finished_at", "accepted_at")),
            extended=Count(
                "extension_requests", filter=Q(extension_requests__status="approved"), distinct=True
            ),
            supplemented=Count("supplement_requests__application", distinct=True),
        )
        .order_by("item_version__name")
    )
    return [_rounded(row) for row in rows]


def time_per_approver(user, date_from, date_to) -> list[dict]:
    """Per approver, steps finished in the period: how many, average days per step, decisions made on
    applications still within their promised date."""
    visible = applications_visible_to(user).values("pk")
    rows = (
        ReviewTask.objects.filter(
            application_id__in=visible,
            status=TaskStatus.DONE,
            done_at__date__gte=date_from,
            done_at__date__lte=date_to,
        )
        .values("done_by__first_name", "done_by__username")
        .annotate(
            steps=Count("pk"),
            average_days=Avg(_days("done_at", "created_at")),
            within_limit=Count("pk", filter=Q(done_at__lte=F("application__due_at"))),
        )
        .order_by("done_by__username")
    )
    return [_rounded(row) for row in rows]


def _rounded(row: dict) -> dict:
    if row.get("average_days") is not None:
        row["average_days"] = round(float(row["average_days"]), 1)
    return row


def supervised_application(user, pk: int) -> Application | None:
    return applications_visible_to(user).filter(pk=pk).first()
