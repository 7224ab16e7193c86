"""Inspections API (read only, scoped like the admin): plans with completion, draws with their record,
tasks. Draws are made in the admin or by services, never by a bare POST."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from enforcement.inspections import selectors
from enforcement.models import Draw, InspectionTask
from township.api_schema import ErrorSerializer
from township.org.scope import visible_to


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    tasks = serializers.IntegerField()
    done = serializers.IntegerField()
    published = serializers.IntegerField()


class DrawSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.code")
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True)

    class Meta:
        model = Draw
        fields = [
            "id",
            "plan",
            "number",
            "replaces",
            "reason",
            "algorithm",
            "seed",
            "seed_recorded_at",
            "snapshot_hash",
            "result_hash",
            "record_hash",
            "drawn_at",
        ]


class TaskSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(source="entity.credit_code")
    entity_name = serializers.CharField(source="entity.name")
    plan = serializers.CharField(source="draw.plan.code")
    # plain text: the task's choice sets would collide with other "status" enums in the schema
    status = serializers.CharField()
    outcome = serializers.CharField()

    class Meta:
        model = InspectionTask
        fields = [
            "id",
            "plan",
            "entity",
            "entity_name",
            "stratum",
            "status",
            "outcome",
            "inspected_on",
            "publish_by",
            "published_at",
        ]


@extend_schema_view(
    list=extend_schema(summary="Inspection plans with completion"),
    retrieve=extend_schema(summary="One plan", responses={200: PlanSerializer, 404: ErrorSerializer}),
)
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return selectors.plan_completion(self.request.user).order_by("-starts_on", "pk")


@extend_schema_view(
    list=extend_schema(summary="Draws, superseded ones included"),
    retrieve=extend_schema(summary="One draw", responses={200: DrawSerializer, 404: ErrorSerializer}),
)
class DrawViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DrawSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return visible_to(Draw.objects.select_related("plan"), self.request.user).order_by("-pk")


@extend_schema_view(
    list=extend_schema(summary="Inspection tasks"),
    retrieve=extend_schema(summary="One task", responses={200: TaskSerializer, 404: ErrorSerializer}),
)
class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return selectors.tasks_visible_to(self.request.user).order_by("-pk")


router = SimpleRouter()
router.register("inspections/plans", PlanViewSet, basename="enforcement-inspection-plan")
router.register("inspections/draws", DrawViewSet, basename="enforcement-inspection-draw")
router.register("inspections/tasks", TaskViewSet, basename="enforcement-inspection-task-api")
urlpatterns = [*router.urls]
