"""Grid events API: the events the caller may see (list, one with its timeline), reporting one with photos
(multipart), and the township's categories. Steps beyond the report are taken on the event pages."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from grid.events import selectors, services
from grid.models import EventCategory, EventStatus, Grid, GridEvent
from township.api import PageNumberPagination
from township.api_schema import ErrorSerializer
from township.casework.display import Audience, timeline_rows
from township.fields import parse_pk
from township.paginators import CappedCountPaginator


class CategorySerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    catalogue = serializers.CharField(source="catalogue.standard_ref", read_only=True)
    version = serializers.CharField(source="catalogue.version", read_only=True)

    class Meta:
        model = EventCategory
        fields = [
            "id",
            "code",
            "kind",
            "major_code",
            "major_name",
            "minor_code",
            "minor_name",
            "catalogue",
            "version",
            "responsible_unit",
        ]


class EventSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.minor_name", read_only=True)
    category_code = serializers.CharField(source="category.code", read_only=True)
    grid = serializers.CharField(source="grid.name", read_only=True)
    department = serializers.CharField(source="department.name", read_only=True, default=None)

    class Meta:
        model = GridEvent
        fields = [
            "id",
            "number",
            "status",
            "category",
            "category_code",
            "grid",
            "department",
            "reported_at",
            "due_at",
            "warning_level",
            "latitude",
            "longitude",
            "address",
            "rework_count",
            "is_whistle",
        ]


class TimelineStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    label = serializers.CharField()
    actor_name = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class EventDetailSerializer(EventSerializer):
    timeline = serializers.SerializerMethodField()

    class Meta(EventSerializer.Meta):
        fields = [
            *EventSerializer.Meta.fields,
            "description",
            "satisfaction",
            "closed_at",
            "closed_on_time",
            "timeline",
        ]

    @extend_schema_field(TimelineStepSerializer(many=True))
    def get_timeline(self, event) -> list[dict]:
        rows = timeline_rows(event, audience=Audience.STAFF)
        return TimelineStepSerializer(
            [
                {"at": r.at, "label": r.label, "actor_name": r.actor_name or "", "note": r.note or ""}
                for r in rows
            ],
            many=True,
        ).data


class ReportSerializer(serializers.Serializer):
    grid = serializers.IntegerField(min_value=1)
    category = serializers.IntegerField(min_value=1)
    description = serializers.CharField(max_length=2000)
    address = serializers.CharField(max_length=256, required=False, allow_blank=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    photos = serializers.ListField(child=serializers.FileField(), max_length=6)
    client_key = serializers.CharField(max_length=40, required=False, allow_blank=True)


class CappedPagination(PageNumberPagination):
    """Counts at most 10,000 rows (a township's events run into the millions)."""

    django_paginator_class = CappedCountPaginator


@extend_schema(tags=["grid events"])
class GridEventViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = CappedPagination

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.events_visible_to(self.request.user).select_related(
                "category", "grid", "department"
            )
        status_ = self.request.query_params.get("status", "")
        return selectors.event_list(
            self.request.user, status=status_ if status_ in EventStatus.values else ""
        )

    def get_object(self):
        event = self.get_queryset().filter(pk=parse_pk(self.kwargs["pk"])).first()
        if event is None:
            from rest_framework.exceptions import NotFound  # noqa: PLC0415 - only here

            raise NotFound(_("No such event."))
        return event

    def get_serializer_class(self):
        if self.action == "retrieve":
            return EventDetailSerializer
        if self.action == "create":
            return ReportSerializer
        return EventSerializer

    @extend_schema(
        summary="Grid events you may see, newest first",
        parameters=[
            OpenApiParameter(
                "status", str, required=False, description="One of: " + ", ".join(EventStatus.values)
            )
        ],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="One grid event with its timeline",
        responses={200: EventDetailSerializer, 404: ErrorSerializer},
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Report an event in one of your grids (multipart, with photos)",
        request={"multipart/form-data": ReportSerializer},
        responses={201: EventDetailSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = ReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        grid = Grid.objects.filter(pk=data["grid"]).first()
        if grid is None or grid.pk not in services.grid_ids_of(request.user):
            return Response({"detail": _("You do not work in this grid.")}, status=status.HTTP_403_FORBIDDEN)
        category = EventCategory.objects.filter(pk=data["category"]).select_related("catalogue").first()
        event = services.report_event(
            by=request.user,
            grid=grid,
            category=category,
            description=data["description"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            address=data.get("address", ""),
            photos=data["photos"],
            client_key=data.get("client_key", ""),
        )
        return Response(EventDetailSerializer(event).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["grid events"])
class CategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = CategorySerializer
    pagination_class = None

    @extend_schema(summary="The categories in force in your township")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        profile = (
            getattr(self.request.user, "staff_profile", None)
            if hasattr(self.request.user, "staff_profile")
            else None
        )
        if profile is None or profile.township_id is None:
            return EventCategory.objects.none()
        return selectors.categories_for(profile.township_id)


router = SimpleRouter()
router.register("events", GridEventViewSet, basename="grid-api-event")
router.register("categories", CategoryViewSet, basename="grid-api-category")
urlpatterns = [*router.urls]
