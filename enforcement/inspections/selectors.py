"""Reading inspections: public draws and results, an officer's tasks, late publications, plan completion."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from enforcement.models import Draw, InspectionOutcome, InspectionPlan, InspectionTask, Inspector, TaskStatus
from township.org.scope import visible_to


def public_draws() -> QuerySet[Draw]:
    """Performed draws of plans that publish their drawn list (superseded ones too: all are public)."""
    return (
        Draw.objects.filter(result__isnull=False, plan__publish_drawn_list=True)
        .select_related("plan", "township", "replaces")
        .order_by("-drawn_at", "-pk")
    )


def public_draw_tasks(draw: Draw) -> QuerySet[InspectionTask]:
    return draw.tasks.select_related("entity").order_by("pk")


def my_tasks(user) -> QuerySet[InspectionTask]:
    return (
        InspectionTask.objects.filter(inspectors__user=user, status=TaskStatus.OPEN)
        .select_related("entity", "draw__plan")
        .prefetch_related(Prefetch("inspectors", queryset=Inspector.objects.order_by("code")))
        .order_by("draw__plan__ends_on", "pk")
        .distinct()
    )


def task_for_team(user, pk: int) -> InspectionTask | None:
    return (
        InspectionTask.objects.filter(pk=pk, inspectors__user=user)
        .select_related("entity", "draw__plan")
        .prefetch_related("inspectors")
        .first()
    )


def tasks_visible_to(user) -> QuerySet[InspectionTask]:
    return visible_to(InspectionTask.objects.select_related("entity", "draw__plan"), user)


def late_publications(user, today=None) -> QuerySet[InspectionTask]:
    """Recorded results past their publication deadline, or published after it (flagged)."""
    today = today or timezone.localdate()
    late = Q(status=TaskStatus.RECORDED, publish_by__lt=today) | Q(
        status=TaskStatus.PUBLISHED, published_at__date__gt=F("publish_by")
    )
    return tasks_visible_to(user).filter(late)


def plan_completion(user) -> QuerySet[InspectionPlan]:
    """Per plan (for the command centre): tasks, done, published, published late."""
    return visible_to(InspectionPlan.objects.all(), user).annotate(
        tasks=Count("draws__tasks", filter=~Q(draws__tasks__status=TaskStatus.CANCELLED)),
        done=Count(
            "draws__tasks", filter=Q(draws__tasks__status__in=[TaskStatus.RECORDED, TaskStatus.PUBLISHED])
        ),
        published=Count("draws__tasks", filter=Q(draws__tasks__status=TaskStatus.PUBLISHED)),
    )


def clues_waiting() -> QuerySet[InspectionTask]:
    return InspectionTask.objects.filter(outcome=InspectionOutcome.TRANSFERRED, clue_reference="")
