"""Market-entity register API: staff read the entities of their scope, look them up by code or name, and
(with the permission) register or correct them. Everything goes through the register's services."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from grid.models.geo import Grid
from township.api_schema import ErrorSerializer
from township.entities import selectors, services
from township.entities.models import EntityKind, LicenceStatus, MarketEntity, RiskLevel
from township.identifiers import mask_phone
from township.org.models import Township


class RegisterPermissions(permissions.DjangoModelPermissions):
    """Reading needs the view permission too (residents and staff without it see nothing)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class MarketEntitySerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="township.code", read_only=True)
    grid = serializers.CharField(source="grid.code", read_only=True, allow_null=True, default=None)
    phone = serializers.SerializerMethodField(help_text=_("Masked."))

    class Meta:
        model = MarketEntity
        fields = [
            "id",
            "township",
            "credit_code",
            "name",
            "kind",
            "legal_representative",
            "phone",
            "address",
            "industry_code",
            "industry",
            "licence_status",
            "risk_level",
            "registered_on",
            "grid",
            "lng",
            "lat",
            "updated_at",
        ]

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone)


class EntityWriteSerializer(serializers.Serializer):
    """What a caller may set; blanks keep the register's value on registration."""

    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=EntityKind.choices, required=False)
    legal_representative = serializers.CharField(max_length=60, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    industry_code = serializers.CharField(max_length=5, required=False, allow_blank=True)
    industry = serializers.CharField(max_length=60, required=False, allow_blank=True)
    licence_status = serializers.ChoiceField(choices=LicenceStatus.choices, required=False)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    registered_on = serializers.DateField(required=False, allow_null=True)
    grid = serializers.CharField(max_length=24, required=False, allow_blank=True, help_text=_("Grid code."))
    lng = serializers.DecimalField(max_digits=10, decimal_places=7, required=False, allow_null=True)
    lat = serializers.DecimalField(max_digits=10, decimal_places=7, required=False, allow_null=True)


class EntityCreateSerializer(EntityWriteSerializer):
    township = serializers.CharField(max_length=12, help_text=_("Division code of the township."))
    credit_code = serializers.CharField(max_length=24)


class MarketEntityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), help_text=_("Name or credit code."))
    township = django_filters.CharFilter(field_name="township__code", label=_("Township"))
    grid = django_filters.CharFilter(field_name="grid__code", label=_("Grid"))
    kind = django_filters.ChoiceFilter(choices=EntityKind.choices)
    licence_status = django_filters.ChoiceFilter(choices=LicenceStatus.choices)
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices)
    industry_code = django_filters.CharFilter(field_name="industry_code", lookup_expr="startswith")

    class Meta:
        model = MarketEntity
        fields = ["q", "township", "grid", "kind", "licence_status", "risk_level", "industry_code"]

    def filter_q(self, queryset, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return queryset
        return queryset.filter(pk__in=[e.pk for e in selectors.lookup(self.request.user, value, limit=200)])


def _values(data: dict, township) -> dict:
    values = {k: v for k, v in data.items() if k not in ("township", "credit_code")}
    if "grid" in values:
        code = values.pop("grid")
        if code:
            grid = Grid.objects.filter(township=township, code=code).first()
            if grid is None:
                raise services.EntityError(
                    _("Please correct the marked fields."), field_errors={"grid": [_("No such grid here.")]}
                )
            values["grid"] = grid
        else:
            values["grid"] = None
    return values


@extend_schema_view(
    list=extend_schema(summary="Market entities in the caller's scope"),
    retrieve=extend_schema(
        summary="One market entity", responses={200: MarketEntitySerializer, 404: ErrorSerializer}
    ),
)
class MarketEntityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MarketEntitySerializer
    filterset_class = MarketEntityFilterSet
    permission_classes = [permissions.IsAuthenticated, RegisterPermissions]
    lookup_value_regex = "[0-9]{1,18}"
    queryset = MarketEntity.objects.none()  # for the permission class; get_queryset scopes

    def get_queryset(self):
        return selectors.entities_visible_to(self.request.user).order_by("name", "pk")

    @extend_schema(
        summary="Register an entity, or update the one with this credit code",
        request=EntityCreateSerializer,
        responses={201: MarketEntitySerializer, 200: MarketEntitySerializer, 400: ErrorSerializer},
    )
    def create(self, request):
        data = _validated(EntityCreateSerializer, request.data)
        township = Township.objects.visible_to(request.user).filter(code=data["township"]).first()
        if township is None:
            raise services.EntityError(
                _("Please correct the marked fields."),
                field_errors={"township": [_("Unknown township, or not one you may manage.")]},
            )
        entity, created = services.register_entity(
            township=township,
            credit_code=data["credit_code"],
            values=_values(data, township),
            by=request.user,
        )
        entity = self.get_queryset().get(pk=entity.pk)
        return Response(
            MarketEntitySerializer(entity).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Correct an entity's data",
        request=EntityWriteSerializer,
        responses={200: MarketEntitySerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def partial_update(self, request, pk=None):
        entity = self.get_object()
        data = _validated(EntityWriteSerializer, request.data, partial=True)
        entity = services.update_entity(entity=entity, values=_values(data, entity.township), by=request.user)
        return Response(MarketEntitySerializer(self.get_queryset().get(pk=entity.pk)).data)

    @extend_schema(
        summary="Look an entity up by credit code or name (for a form's search box)",
        parameters=[
            OpenApiParameter("q", str, required=True, description=_("Credit code or part of the name."))
        ],
        responses={200: MarketEntitySerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def lookup(self, request):
        found = selectors.lookup(request.user, request.query_params.get("q", ""))
        return Response(MarketEntitySerializer(found, many=True).data)


def _validated(serializer_class, data, *, partial=False) -> dict:
    serializer = serializer_class(data=data, partial=partial)
    if not serializer.is_valid():
        raise services.EntityError(_("Please correct the marked fields."), field_errors=serializer.errors)
    for name, value in serializer.validated_data.items():
        if isinstance(value, str) and "\x00" in value:
            raise services.EntityError(
                _("Please correct the marked fields."),
                field_errors={name: [_("Null characters are not allowed.")]},
            )
    return dict(serializer.validated_data)


router = SimpleRouter()
router.register("entities", MarketEntityViewSet, basename="entities-entity")
urlpatterns = [*router.urls]
